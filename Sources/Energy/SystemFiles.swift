#if canImport(Glibc)
    import Glibc
#endif

/// What reading one small system file (sysfs, procfs, cgroupfs) gave. `permissionDenied` is kept
/// apart from `absent` because an unreadable RAPL counter (root-only since CVE-2020-8694) has a
/// fix the user must be told about, while a missing one does not.
public enum FileReadResult: Sendable, Equatable {
    /// The file's whole text.
    case contents(String)
    /// No such file or folder.
    case absent
    /// EACCES or EPERM.
    case permissionDenied
    /// Any other failure, with errno.
    case failed(errno: Int32)

    /// The text, when the read worked.
    public var text: String? {
        if case .contents(let text) = self { return text }
        return nil
    }
}

/// The file-system calls the energy readers make. Injectable because the tests run as root,
/// where `chmod 000` stops no read: a test wraps the live files and refuses chosen paths.
public protocol SystemFileReading: Sendable {
    /// The whole file at `path`.
    func read(_ path: String) -> FileReadResult
    /// Names in the folder at `path` (no `.` or `..`); nil when it cannot be listed.
    func list(_ path: String) -> [String]?
}

extension SystemFileReading {
    /// The file's first line, trimmed, parsed as an unsigned integer (`energy_uj` and friends).
    func readUnsigned(_ path: String) -> (value: UInt64?, result: FileReadResult) {
        let result = read(path)
        guard let text = result.text else { return (nil, result) }
        return (UInt64(text.trimmingSpaces()), result)
    }
}

/// The real file system through Glibc (no Foundation): small files read whole, folders listed
/// with `readdir`.
public struct LiveSystemFiles: SystemFileReading {
    /// Files larger than this are cut (sysfs files are one line; `/proc/stat` a few KB per CPU).
    static let readLimit = 4 * 1024 * 1024

    public init() {}

    public func read(_ path: String) -> FileReadResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { return Self.classify(errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < Self.readLimit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return Self.classify(errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return .contents(String(decoding: bytes, as: UTF8.self))
    }

    public func list(_ path: String) -> [String]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func classify(_ code: Int32) -> FileReadResult {
        switch code {
        case ENOENT, ENOTDIR: .absent
        case EACCES, EPERM: .permissionDenied
        default: .failed(errno: code)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
