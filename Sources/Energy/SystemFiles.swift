import Support

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
        return (UInt64(text.trimmingWhitespace()), result)
    }
}

/// The real file system through Glibc (no Foundation): small files read whole, folders listed
/// with `readdir`.
public struct LiveSystemFiles: SystemFileReading {
    /// Files larger than this fail with EFBIG (sysfs files are one line; `/proc/stat` a few KB per CPU).
    static let readLimit = 4 * 1024 * 1024

    public init() {}

    public func read(_ path: String) -> FileReadResult {
        do {
            return .contents(String(decoding: try FileContents.read(path, limit: Self.readLimit), as: UTF8.self))
        } catch {
            return Self.classify(error.code ?? EFBIG)
        }
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
