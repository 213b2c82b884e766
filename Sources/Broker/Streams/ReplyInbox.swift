import Wire

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

extension ReplyInbox {
    /// Delivers `frame` to the subscriptions matching `inbox`, keeping the frame's own subject in
    /// the MSG line. With a `client` id only that connection's subscriptions are candidates (in a
    /// queue group, its own member); without one, every subscriber as normal routing would.
    static func deliver(
        _ frame: PublishFrame, toInbox inbox: UnsafeRawBufferPointer, client: UInt64?, in context: LoopContext
    ) {
        let match = context.matchCache.match(inbox)
        guard let client else {
            for subscription in match.plain {
                _ = MessageRouter.deliver(frame, to: subscription, from: nil, echo: true, in: context)
            }
            for group in match.groups {
                _ = MessageRouter.deliver(frame, to: group.pick(), from: nil, echo: true, in: context)
            }
            return
        }
        for subscription in match.plain where subscription.client?.id == client {
            _ = MessageRouter.deliver(frame, to: subscription, from: nil, echo: true, in: context)
        }
        for group in match.groups {
            guard let member = group.members.first(where: { $0.client?.id == client }) else { continue }
            _ = MessageRouter.deliver(frame, to: member, from: nil, echo: true, in: context)
        }
    }
}
