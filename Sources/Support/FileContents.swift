#if canImport(Glibc)
    import Glibc
#endif

/// Reads a whole file into memory, never more than a bound the caller names: sysfs and procfs
/// files, cgroup files, configuration, JSON records. A file past its bound is an error, not a
/// truncated read, so a caller never parses half a file as if it were all of it.
public enum FileContents {
    /// The whole file at `path`; throws `.tooLarge` when it holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let descriptor: Int32
        do {
            descriptor = try Syscall.run("open") { open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            throw .system(error)
        }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, path: path, limit: limit)
    }

    /// Everything left to read on `descriptor` (up to end of file); `path` names it in errors.
    public static func read(descriptor: Int32, path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        // Small files (sysfs: one line) need a small chunk; large ones are read 64 KiB at a time.
        var chunk = [UInt8](repeating: 0, count: limit < 64 * 1024 ? max(limit, 0) + 1 : 64 * 1024)
        while true {
            let count: Int
            do {
                count = try Syscall.run("read") {
                    chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                }
            } catch {
                throw .system(error)
            }
            if count == 0 { return bytes }
            if bytes.count + count > limit { throw .tooLarge(path: path, limit: limit) }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}

/// Why `FileContents` could not read a file.
public enum FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `open` or `read` failed.
    case system(SystemError)
    /// The file holds more than `limit` bytes.
    case tooLarge(path: String, limit: Int)

    /// The errno of a failed call; nil for `.tooLarge`.
    public var code: Int32? {
        if case .system(let error) = self { return error.code }
        return nil
    }

    public var description: String {
        switch self {
        case .system(let error): "\(error)"
        case .tooLarge(let path, let limit): "\(path) is larger than \(limit) bytes"
        }
    }
}
