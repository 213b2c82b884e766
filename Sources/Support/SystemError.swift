#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: its name and errno, with the C library's text.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public let call: String
    public let code: Int32

    public init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    /// The C library's text for `code` ("No such file or directory").
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(call): \(reason) (errno \(code))" }
}
