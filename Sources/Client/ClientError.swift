#if canImport(Glibc)
    import Glibc
#endif

/// What can go wrong talking to a NATS server; `description` is a sentence for the user.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A server URL that cannot be understood.
    case invalidURL(String)
    /// The host name did not resolve.
    case cannotResolve(host: String, reason: String)
    /// Nothing listens on the port.
    case connectionRefused(host: String, port: Int)
    /// No TCP connection, or no INFO/PONG, within the connect timeout.
    case connectTimeout(host: String, port: Int)
    /// A flush, request or `nextMessage` waited longer than its timeout.
    case timeout
    /// A request's subject has no subscribers (the server's 503 status reply).
    case noResponders(subject: String)
    /// The server sent `-ERR '<text>'`; `text` is exactly what was inside the quotes.
    case serverError(String)
    /// The server needs TLS, which this client does not speak yet.
    case tlsNotSupported
    /// The connection was closed by `close()`, or gave up reconnecting.
    case closed
    /// The connection broke while an operation waited on it.
    case disconnected
    /// The server sent bytes that are not the NATS protocol.
    case protocolError(String)
    /// A subject or queue name that is empty or holds spaces or line breaks.
    case invalidSubject(String)
    /// A payload above the server's max_payload.
    case payloadTooLarge(size: Int, limit: Int)
    /// A header name or value that cannot be sent.
    case invalidHeader(String)
    /// More publishes were buffered while disconnected than `reconnectBufferSize` allows.
    case reconnectBufferExceeded
    /// `flush`, `request` or `drain` was called from a message handler, which runs on the thread that
    /// would have to read the answer.
    case calledFromHandler
    /// A socket call failed.
    case socket(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid server URL \"\(url)\" (expected nats://host:port)"
        case .cannotResolve(let host, let reason): "cannot resolve host \(host): \(reason)"
        case .connectionRefused(let host, let port): "connection refused by \(Self.hostPort(host, port))"
        case .connectTimeout(let host, let port): "timed out connecting to \(Self.hostPort(host, port))"
        case .timeout: "timed out"
        case .noResponders(let subject): "no responders are available for subject \(subject)"
        case .serverError(let text): "server error: \(text)"
        case .tlsNotSupported: "the server requires TLS, which this client does not support yet"
        case .closed: "the connection is closed"
        case .disconnected: "the connection to the server was lost"
        case .protocolError(let detail): "protocol error from the server: \(detail)"
        case .invalidSubject(let subject): "invalid subject \"\(subject)\""
        case .payloadTooLarge(let size, let limit): "payload of \(size) bytes is above the server's limit of \(limit)"
        case .invalidHeader(let detail): "invalid header: \(detail)"
        case .reconnectBufferExceeded: "too much data buffered while reconnecting"
        case .calledFromHandler: "flush, request and drain cannot be called from a message handler"
        case .socket(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
