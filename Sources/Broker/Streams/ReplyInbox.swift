/// Where a JetStream answer goes: the reply subject a request named, and the connection that sent
/// the request. Answers (API replies, publish acks, ack-sync replies, pulled messages and the pull's
/// status replies) reach only that connection's subscriptions matching the subject, so a client
/// subscribed to `_INBOX.>` cannot read other clients' jobs and ack subjects. A request from the
/// broker itself (no connection) is answered through normal routing.
struct ReplyInbox: Equatable, Sendable, ExpressibleByStringLiteral {
    var subject: String
    /// The requesting connection's id; nil for the broker's own requests.
    var client: UInt64?

    init(subject: String, client: UInt64? = nil) {
        self.subject = subject
        self.client = client
    }

    /// An inbox with no requesting connection (tests and internal requests).
    init(stringLiteral subject: String) {
        self.init(subject: subject)
    }

    var isEmpty: Bool { subject.isEmpty }
}
