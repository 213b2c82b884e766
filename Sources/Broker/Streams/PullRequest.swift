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
    /// The `expires` asked for, in nanoseconds (0: none), checked against the consumer's `max_expires`.
    var expires: Int64 = 0
    /// Ends with `404 No Messages` as soon as nothing more is available. With `expires` as well
    /// (nats-server's one-shot pull) a request that has received nothing yet waits for its first
    /// message until it expires.
    var noWait: Bool
    /// Bytes still wanted (`max_bytes`; 0: no limit); a message counts its subject, ack subject,
    /// headers and payload, as in nats-server.
    var remainingBytes = 0
    /// Nanoseconds between `100 Idle Heartbeat` statuses while the request waits (0: none).
    var heartbeat: Int64 = 0
    /// Wall-clock nanoseconds of the next idle heartbeat (0: none).
    var nextHeartbeat: Int64 = 0
    var delivered = 0

    /// The JSON body of a pull request; an empty body asks for one message.
    private struct Body: Decodable {
        var batch: Int?
        var expires: Int64?
        var no_wait: Bool?
        var max_bytes: Int?
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

    /// Whether a `no_wait` request is done once nothing more is available: always without
    /// `expires`, and with it once it has received something.
    var endsWhenNothingIsAvailable: Bool { noWait && (deadline == 0 || delivered > 0) }

    /// nats-server's `Nats-Pending-Messages` / `Nats-Pending-Bytes` headers: what the request
    /// still wanted when it ended.
    var pendingHeaders: [(String, String)] {
        [("Nats-Pending-Messages", String(remaining)), ("Nats-Pending-Bytes", String(remainingBytes))]
    }

    /// Parses a request body: a JSON object, or a bare batch size (blank: one message). Every number
    /// is hostile: a huge `expires` pins the deadline at the end of time, a negative one has already
    /// passed (nats-server answers `408` at once), a `batch` below 1 asks for one message, a
    /// `max_bytes` below 1 sets no limit.
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
        let heartbeat = decoded.idle_heartbeat ?? 0
        if heartbeat > 0, heartbeat > expires / 2 {
            // nats-server: the heartbeat must fit twice into the expiry (checked without overflow).
            return .failure(Refusal(description: "Bad Request - heartbeat value too large"))
        }
        request.remaining = max(1, decoded.batch ?? 1)
        request.noWait = decoded.no_wait ?? false
        request.remainingBytes = max(0, decoded.max_bytes ?? 0)
        request.expires = max(0, expires)
        if expires > 0 {
            request.deadline = now.addingClamped(expires)
        } else if expires < 0 {
            request.deadline = max(1, now)
        }
        if heartbeat > 0 {
            request.heartbeat = heartbeat
            request.nextHeartbeat = now.addingClamped(heartbeat)
        }
        return .success(request)
    }
}
