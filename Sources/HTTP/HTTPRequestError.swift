/// Why the server refused a request before any handler saw it; each case has its status.
/// The connection is always closed after such an answer: the server cannot trust where the next
/// request would start.
public enum HTTPRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request line is not `METHOD SP target SP HTTP/x.y`.
    case malformedRequestLine
    /// A header line is not `name: value`, has a folded continuation or a control character.
    case malformedHeader
    /// The request line is longer than `maxRequestLineBytes`.
    case requestLineTooLong
    /// The header lines are longer than `maxHeaderBytes` together.
    case headersTooLarge
    /// More header lines than `maxHeaderCount`.
    case tooManyHeaders
    /// An HTTP version other than 1.x.
    case unsupportedVersion
    /// A method other than GET and HEAD: the server changes nothing.
    case methodNotAllowed
    /// The request announces a body (`Content-Length` above 0 or `Transfer-Encoding`); the server takes none.
    case bodyNotAccepted
    /// `Content-Length` is not a number, or is given twice with different values.
    case invalidContentLength
    /// An HTTP/1.1 request without exactly one `Host` header (RFC 9112 §3.2).
    case invalidHost
    /// The target is not a path, or decodes to something unsafe; the text says what.
    case invalidTarget(String)
    /// The request head did not arrive within `headerReadTimeout`.
    case timeout

    public var status: HTTPStatus {
        switch self {
        case .malformedRequestLine, .malformedHeader, .invalidContentLength, .invalidHost, .invalidTarget: .badRequest
        case .requestLineTooLong: .uriTooLong
        case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .methodNotAllowed: .methodNotAllowed
        case .bodyNotAccepted: .contentTooLarge
        case .timeout: .requestTimeout
        }
    }

    public var description: String {
        switch self {
        case .malformedRequestLine: "malformed request line"
        case .malformedHeader: "malformed header"
        case .requestLineTooLong: "request line too long"
        case .headersTooLarge: "headers too large"
        case .tooManyHeaders: "too many headers"
        case .unsupportedVersion: "HTTP version not supported"
        case .methodNotAllowed: "method not allowed"
        case .bodyNotAccepted: "request body not accepted"
        case .invalidContentLength: "invalid Content-Length"
        case .invalidHost: "missing or repeated Host header"
        case .invalidTarget(let reason): "invalid target: \(reason)"
        case .timeout: "request head timeout"
        }
    }
}
