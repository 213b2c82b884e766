/// An HTTP response as `HTTPGet` received it: status, headers (names lowercased, repeats joined with
/// `, `) and the whole body, de-chunked. The server's own answers are `HTTPResponse`, which can also be
/// an event stream; this one is plain data, read off the wire.
public struct HTTPReceivedResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, reason: String = "", headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// A header's value by name, in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// 2xx.
    public var isSuccess: Bool { (200...299).contains(status) }
}
