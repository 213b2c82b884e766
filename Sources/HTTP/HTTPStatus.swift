/// A response status: the code and its reason phrase.
public struct HTTPStatus: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code) \(reason)" }

    /// 1xx, 204 and 304 responses never carry a body (RFC 9110 §6.4.1).
    public var allowsBody: Bool { code >= 200 && code != 204 && code != 304 }

    public static let ok = HTTPStatus(code: 200, reason: "OK")
    public static let noContent = HTTPStatus(code: 204, reason: "No Content")
    public static let movedPermanently = HTTPStatus(code: 301, reason: "Moved Permanently")
    public static let found = HTTPStatus(code: 302, reason: "Found")
    public static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    public static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    public static let contentTooLarge = HTTPStatus(code: 413, reason: "Content Too Large")
    public static let uriTooLong = HTTPStatus(code: 414, reason: "URI Too Long")
    public static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    public static let httpVersionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")

    /// Every status above, by code.
    private static let known: [Int: HTTPStatus] = Dictionary(
        uniqueKeysWithValues: [
            ok, noContent, movedPermanently, found, notModified, badRequest, unauthorized, forbidden, notFound,
            methodNotAllowed,
            requestTimeout, contentTooLarge, uriTooLong, requestHeaderFieldsTooLarge, internalServerError,
            serviceUnavailable, httpVersionNotSupported,
        ].map { ($0.code, $0) })

    /// The status of `code` with its reason phrase from the table above; `Status` for a code not in it.
    public init(code: Int) {
        self = Self.known[code] ?? HTTPStatus(code: code, reason: "Status")
    }
}
