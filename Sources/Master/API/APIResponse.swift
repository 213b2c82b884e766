/// What an API route answers, independent of the HTTP server that sends it.
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func json(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: Array(text.utf8))
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: Int, _ message: String) -> APIResponse {
        var object = JSONWriter()
        object.add("error", message)
        return .json(object.text, status: status)
    }
}

/// A request's query parameters that were not acceptable: answered with 400 naming the parameter.
struct QueryError: Error {
    let message: String
}
