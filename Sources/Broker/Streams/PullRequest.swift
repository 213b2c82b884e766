import FoundationEssentials

/// One `CONSUMER.MSG.NEXT` request waiting for messages: where to send them, how many more, and
/// until when.
struct PullRequest {
    /// The requester's inbox: messages and status replies go here.
    var reply: String
    /// Messages still wanted.
    var remaining: Int
    /// Wall-clock nanoseconds after which the request ends with `408 Request Timeout` (0: never).
    var deadline: Int64
    /// Answer at once: what is available now, then `404 No Messages`.
    var noWait: Bool
    var delivered = 0

    /// The JSON body of a pull request; an empty body asks for one message.
    private struct Body: Decodable {
        var batch: Int?
        var expires: Int64?
        var no_wait: Bool?
    }

    /// Parses a request body; nil when it is not valid JSON.
    init?(body: [UInt8], reply: String, now: Int64) {
        self.reply = reply
        var batch = 1
        var expires: Int64 = 0
        var noWait = false
        if !body.isEmpty && !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) else { return nil }
            batch = decoded.batch ?? 1
            expires = decoded.expires ?? 0
            noWait = decoded.no_wait ?? false
        }
        remaining = max(1, batch)
        // nats-server treats no_wait with expires as a lingering pull that ends at expiry.
        self.noWait = noWait && expires <= 0
        deadline = expires > 0 ? now + expires : 0
    }
}
