import Support

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
        do {
            try Syscall.writeAll(descriptor, Array(text.utf8))
        } catch {
            throw ProcessError("write", path, code: error.code)
        }
    }

    /// cgroup files are a few lines (`cgroup.procs` a line per process); 1 MiB is far more than any holds.
    static let readLimit = 1 << 20

    public func read(_ path: String) throws(ProcessError) -> String {
        do {
            return String(decoding: try FileContents.read(path, limit: Self.readLimit), as: UTF8.self)
        } catch .system(let error) {
            throw ProcessError(error.call, path, code: error.code)
        } catch {
            throw ProcessError("read", path, code: EFBIG)
        }
    }
}
