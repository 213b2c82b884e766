#if canImport(Glibc)
    import Glibc
#endif

/// The file-system calls cgroup v2 management makes. Injectable so tests can drive the code
/// against a plain folder that plays the kernel's part (interface files appearing with `mkdir`,
/// counters to read); this machine has no cgroup v2.
public protocol ControlGroupFiles: Sendable {
    func makeDirectory(_ path: String) throws(ProcessError)
    func removeDirectory(_ path: String) throws(ProcessError)
    /// Writes `text` to an existing file (cgroupfs files cannot be created).
    func write(_ text: String, to path: String) throws(ProcessError)
    func read(_ path: String) throws(ProcessError) -> String
}

/// The real cgroupfs through Glibc.
public struct LiveControlGroupFiles: ControlGroupFiles {
    public init() {}

    public func makeDirectory(_ path: String) throws(ProcessError) {
        guard mkdir(path, 0o755) == 0 else { throw ProcessError("mkdir", path, code: errno) }
    }

    public func removeDirectory(_ path: String) throws(ProcessError) {
        guard rmdir(path) == 0 else { throw ProcessError("rmdir", path, code: errno) }
    }

    public func write(_ text: String, to path: String) throws(ProcessError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ProcessError("open", path, code: errno) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ProcessError("write", path, code: errno)
            }
            written += count
        }
    }

    public func read(_ path: String) throws(ProcessError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ProcessError("open", path, code: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        // cgroup files are a few lines; 64 KiB is far more than any holds.
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ProcessError("read", path, code: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
