/// Why a TLS or certificate operation failed, with a message meant for a person: the file involved
/// and OpenSSL's own reason text.
public enum TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be opened, read or written: its path and the system's reason.
    case file(path: String, reason: String)
    /// A file or text is not the PEM it should be (bad PEM, wrong kind of object, encrypted key).
    case invalidPEM(path: String, reason: String)
    /// The private key does not belong to the certificate.
    case keyMismatch(certificatePath: String, keyPath: String, reason: String)
    /// A setting is wrong or missing; the text names it.
    case configuration(String)
    /// An OpenSSL call failed outside a handshake: the call and OpenSSL's reasons.
    case openSSL(operation: String, reason: String)
    /// The handshake failed: OpenSSL's reason (a protocol error or the peer's alert).
    case handshakeFailed(reason: String)
    /// This side refused the peer's certificate: the verification result and OpenSSL's reason.
    case certificateRejected(reason: String)
    /// A TLS error after the handshake: a bad record or a fatal alert from the peer.
    case protocolError(reason: String)
    /// More ciphertext arrived than may be held unprocessed (a peer flooding or stalling a handshake).
    case bufferLimitExceeded(limit: Int)
    /// The call does not fit the session's state (writing before the handshake, after a close).
    case invalidState(String)
    /// A socket call made by `TLSStream` failed with `errno`.
    case socket(operation: String, code: Int32)
    /// A socket call made by `TLSStream` timed out (the socket's SO_RCVTIMEO or SO_SNDTIMEO).
    case timedOut(operation: String)
    /// The peer closed the connection before the handshake finished.
    case connectionClosed
    /// A certificate could not be issued or read: what was asked and why not.
    case certificate(String)

    public var description: String {
        switch self {
        case .file(let path, let reason): "\(path): \(reason)"
        case .invalidPEM(let path, let reason): "\(path): not a usable PEM file: \(reason)"
        case .keyMismatch(let certificatePath, let keyPath, let reason):
            "private key \(keyPath) does not match certificate \(certificatePath): \(reason)"
        case .configuration(let text): "TLS configuration: \(text)"
        case .openSSL(let operation, let reason): "\(operation) failed: \(reason)"
        case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .certificateRejected(let reason): "peer certificate rejected: \(reason)"
        case .protocolError(let reason): "TLS error: \(reason)"
        case .bufferLimitExceeded(let limit): "more than \(limit) bytes of TLS input held unprocessed"
        case .invalidState(let text): "TLS session: \(text)"
        case .socket(let operation, let code): "\(operation): \(SystemText.errorText(code))"
        case .timedOut(let operation): "\(operation) timed out"
        case .connectionClosed: "connection closed during the TLS handshake"
        case .certificate(let text): "certificate: \(text)"
        }
    }
}
