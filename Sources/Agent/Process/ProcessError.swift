#if canImport(Glibc)
    import Glibc
#endif

/// A system call that failed while starting, limiting or watching a child process: the call's
/// name, what it was applied to (an executable, a path, a pid) and errno.
public struct ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var subject: String
    public var code: Int32

    public init(_ call: String, _ subject: String, code: Int32) {
        self.call = call
        self.subject = subject
        self.code = code
    }

    /// The executable (or file) does not exist.
    public var isNotFound: Bool { code == ENOENT }

    public var description: String {
        "\(call) \(subject): \(String(cString: strerror(code))) (errno \(code))"
    }
}
