import FoundationEssentials

/// Reading single stored messages (`$JS.API.STREAM.MSG.GET`).
extension JetStreamContext {
    /// A message as a stream stores it.
    public struct StoredMessage: Sendable, Equatable {
        public var subject: String
        public var sequence: UInt64
        public var payload: [UInt8]
    }

    /// The last message `stream` holds on exactly `subject`, or nil when it holds none; `timeout`
    /// replaces the context's for this request.
    public func lastMessage(
        stream: String, subject: String, timeout: Duration? = nil
    ) throws(JetStreamError) -> StoredMessage? {
        try Self.checkName(stream, "stream")
        struct Request: Encodable { var last_by_subj: String }
        struct Response: Decodable {
            struct Body: Decodable {
                var subject: String
                var seq: UInt64
                var data: String?
            }
            var message: Body
        }
        let response: Response
        do {
            response = try request(
                "STREAM.MSG.GET." + stream, body: Request(last_by_subj: subject), as: Response.self,
                timeout: timeout)
        } catch .server(_, Self.noMessageFoundCode, _) {
            return nil
        }
        guard let payload = Data(base64Encoded: response.message.data ?? "") else {
            throw .malformedResponse("message data is not base64")
        }
        return StoredMessage(subject: response.message.subject, sequence: response.message.seq, payload: Array(payload))
    }

    /// "no message found" (10037).
    static let noMessageFoundCode = 10037
}
