import Net

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
    /// The server requires TLS and this connection has no TLS settings (nor a `tls://` URL).
    case tlsRequired
    /// The TLS settings cannot be used: a missing or unreadable file, a key that does not match its
    /// certificate, a certificate without its key. The text names the file or setting.
    case tlsConfiguration(String)
    /// TLS could not be established with the server, or the server refused this client during it; the
    /// text names the cause ("certificate verify failed: hostname mismatch …", "unknown ca …").
    case tlsHandshakeFailed(String)
    /// A TLS error on an established connection (a corrupt record, a fatal alert).
    case tlsFailed(String)
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
        case .invalidURL(let url): "invalid server URL \"\(url)\" (expected nats://host:port or tls://host:port)"
        case .cannotResolve(let host, let reason):
            BlockingSocketError.cannotResolve(host: host, reason: reason).description
        case .connectionRefused(let host, let port):
            BlockingSocketError.connectionRefused(host: host, port: port).description
        case .connectTimeout(let host, let port):
            BlockingSocketError.connectTimeout(host: host, port: port).description
        case .timeout: BlockingSocketError.timeout.description
        case .noResponders(let subject): "no responders are available for subject \(subject)"
        case .serverError(let text): "server error: \(text)"
        case .tlsRequired:
            "the server requires TLS: give its CA with --tlsca (and a client certificate with --tlscert and "
                + "--tlskey when it verifies clients), or use a tls:// URL"
        case .tlsConfiguration(let text): "TLS settings: \(text)"
        case .tlsHandshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .tlsFailed(let reason): "TLS error: \(reason)"
        case .closed: "the connection is closed"
        case .disconnected: "the connection to the server was lost"
        case .protocolError(let detail): "protocol error from the server: \(detail)"
        case .invalidSubject(let subject): "invalid subject \"\(subject)\""
        case .payloadTooLarge(let size, let limit): "payload of \(size) bytes is above the server's limit of \(limit)"
        case .invalidHeader(let detail): "invalid header: \(detail)"
        case .reconnectBufferExceeded: "too much data buffered while reconnecting"
        case .calledFromHandler: "flush, request and drain cannot be called from a message handler"
        case .socket(let operation, let code): BlockingSocketError.socket(operation: operation, code: code).description
        }
    }

    /// The same failure, from the blocking socket under a connection.
    init(_ error: BlockingSocketError) {
        switch error {
        case .cannotResolve(let host, let reason): self = .cannotResolve(host: host, reason: reason)
        case .connectionRefused(let host, let port): self = .connectionRefused(host: host, port: port)
        case .connectTimeout(let host, let port): self = .connectTimeout(host: host, port: port)
        case .timeout: self = .timeout
        case .socket(let operation, let code): self = .socket(operation: operation, code: code)
        }
    }
}
