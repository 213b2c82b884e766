import Net
import TLS

/// What can go wrong fetching a URL with `HTTPGet`; `description` is a sentence for the user.
/// A response with a non-2xx status is not an error here: the caller reads its status and body.
public enum HTTPGetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not an `http(s)://host[:port][/path]` URL.
    case invalidURL(String)
    /// A scheme this client does not speak (`ftp`).
    case unsupportedScheme(String)
    /// No connection: the host did not resolve, refused, or did not answer in time.
    case cannotConnect(BlockingSocketError)
    /// Connected, but the whole response did not arrive within the timeout.
    case timeout(received: Int)
    /// The server closed the connection before the response was complete.
    case closedEarly(String)
    /// The bytes are not an HTTP/1.x response.
    case malformed(String)
    /// The body is larger than the caller accepts.
    case tooLarge(limit: Int)
    /// The TLS handshake failed, or TLS failed while sending or receiving.
    case tls(TLSError)
    /// Sending the request or reading the response failed.
    case socket(BlockingSocketError)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL \"\(url)\" (expected http(s)://host[:port][/path])"
        case .unsupportedScheme(let scheme): "\(scheme):// is not supported; use http:// or https://"
        case .cannotConnect(let error):
            switch error {
            case .connectionRefused: "connection refused"
            case .connectTimeout: "no answer to the connection attempt (timed out)"
            default: error.description
            }
        case .timeout(let received):
            received == 0
                ? "connected, but no response arrived in time (timed out)"
                : "the response did not complete in time (timed out after \(received) bytes)"
        case .closedEarly(let detail): "the server closed the connection early: \(detail)"
        case .malformed(let detail): "not an HTTP response: \(detail)"
        case .tooLarge(let limit): "the response is larger than \(limit) bytes"
        case .tls(let error): error.description
        case .socket(let error): error.description
        }
    }
}
