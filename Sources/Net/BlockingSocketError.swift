#if canImport(Glibc)
    import Glibc
#endif

/// What can go wrong on a `BlockingSocket`; `description` is a sentence for the user.
public enum BlockingSocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The host name did not resolve.
    case cannotResolve(host: String, reason: String)
    /// Nothing listens on the port.
    case connectionRefused(host: String, port: Int)
    /// No TCP connection within the connect timeout.
    case connectTimeout(host: String, port: Int)
    /// A read passed its read deadline, or a write its write timeout.
    case timeout
    /// A socket call failed.
    case socket(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .cannotResolve(let host, let reason): "cannot resolve host \(host): \(reason)"
        case .connectionRefused(let host, let port): "connection refused by \(SocketAddress.hostPort(host, port))"
        case .connectTimeout(let host, let port): "timed out connecting to \(SocketAddress.hostPort(host, port))"
        case .timeout: "timed out"
        case .socket(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
