import Support

/// What a handler answers: a status, headers and either a body or an event stream.
///
/// The server adds `Date`, `Server`, `Connection` and (for bodies) `Content-Length` itself and
/// ignores handler values for those and for `Transfer-Encoding`. For HEAD it sends the same head
/// without the body.
public struct HTTPResponse: Sendable {
    /// The payload.
    public enum Body: Sendable {
        /// A complete body, sent with `Content-Length`.
        case bytes([UInt8])
        /// Server-Sent Events: the connection stays open, is handed to `onOpen` on the loop thread
        /// once the head is queued, and ends when the client leaves or the stream is closed. For HEAD
        /// only the head is sent and `onOpen` is not called.
        case eventStream(onOpen: @Sendable (HTTPEventStream) -> Void)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    /// A JSON body (`application/json`), given already encoded.
    public static func json(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    /// A text body; `contentType` defaults to UTF-8 plain text.
    public static func text(
        _ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// `{"error":"<message>"}` with `status`; the message is JSON-escaped.
    public static func error(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        .json("{\"error\":\(jsonString(message))}", status: status)
    }

    /// A `text/event-stream` response; see `Body.eventStream`.
    public static func eventStream(
        headers: HTTPHeaders = [:], onOpen: @escaping @Sendable (HTTPEventStream) -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: headers)
        response.headers.set(name: "Content-Type", value: "text/event-stream")
        if !response.headers.contains("Cache-Control") {
            response.headers.add(name: "Cache-Control", value: "no-cache")
        }
        response.body = .eventStream(onOpen: onOpen)
        return response
    }

    /// `text` as a JSON string literal, quotes included.
    public static func jsonString(_ text: String) -> String { JSONStringLiteral.quoted(text) }
}
