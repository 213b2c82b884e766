import FoundationEssentials
import Support

/// One `CONSUMER.MSG.NEXT` request waiting for messages: where to send them, how many more, and
/// until when.
struct PullRequest: Equatable {
    /// The requester's inbox: messages and status replies go here, to the requesting connection only.
    var reply: ReplyInbox
    /// Messages still wanted.
    var remaining: Int
    /// Wall-clock nanoseconds after which the request ends with `408 Request Timeout` (0: never).
    var deadline: Int64
    /// Answer at once: what is available now, then `404 No Messages`.
    var noWait: Bool
    var delivered = 0

    /// The JSON body of a pull request; an empty body asks for one message. `max_bytes` is read
    /// only so that a value of the wrong type is refused as nats-server refuses it.
    private struct Body: Decodable {
        var batch: Int?
        var expires: Int64?
        var no_wait: Bool?
        var max_bytes: Int64?
        var idle_heartbeat: Int64?
    }

    /// A request body nats-server would answer with `400 Bad Request - <reason>`.
    struct Refusal: Error, Equatable {
        /// The status description, nats-server's text where it has one.
        var description: String
    }

    /// A request for `batch` messages with nothing else asked (`+NXT`).
    init(reply: ReplyInbox, batch: Int) {
        self.reply = reply
        remaining = max(1, batch)
        deadline = 0
        noWait = false
    }

    /// Parses a request body: a JSON object, or a bare batch size (blank: one message). Every number
    /// is hostile: a huge `expires` pins the deadline at the end of time, a negative one has already
    /// passed (nats-server answers `408` at once), a `batch` below 1 asks for one message.
    static func parse(body: [UInt8], reply: ReplyInbox, now: Int64) -> Result<PullRequest, Refusal> {
        var request = PullRequest(reply: reply, batch: 1)
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = body.first(where: { !isWhitespace($0) }) else { return .success(request) }
        if first != UInt8(ascii: "{") {
            // nats-server: a body that is not a JSON object is a batch size, or else one message.
            let text = String(decoding: body, as: UTF8.self).trimmingWhitespace()
            request.remaining = max(1, Int(text) ?? 1)
            return .success(request)
        }
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(body))
        } catch {
            return .failure(Refusal(description: "Bad Request - invalid JSON"))
        }
        let expires = decoded.expires ?? 0
        if let heartbeat = decoded.idle_heartbeat, heartbeat > 0, heartbeat > expires / 2 {
            // nats-server: the heartbeat must fit twice into the expiry (checked without overflow).
            return .failure(Refusal(description: "Bad Request - heartbeat value too large"))
        }
        request.remaining = max(1, decoded.batch ?? 1)
        // nats-server treats no_wait with expires as a lingering pull that ends at expiry.
        request.noWait = (decoded.no_wait ?? false) && expires == 0
        if expires > 0 {
            request.deadline = now.addingClamped(expires)
        } else if expires < 0 {
            request.deadline = max(1, now)
        }
        return .success(request)
    }
}
