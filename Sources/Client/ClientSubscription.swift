import Net
import Synchronization

/// One subscription of a `NATSConnection`: its subject, counters, and how messages reach the user.
///
/// Kept in the connection's table until it is unsubscribed, reaches its maximum, or the connection
/// closes. Survives reconnects: the connection subscribes again with the deliveries still due.
public final class ClientSubscription: Sendable {
    public let subject: String
    public let queueGroup: String?
    /// The id sent in `SUB`, unique within the connection.
    public let sid: Int
    let connection: NATSConnection
    let delivery: Delivery
    /// Written only by the connection's reader thread.
    let delivered = Atomic<Int>(0)
    /// Deliveries after which the subscription ends (`UNSUB <sid> <max>`); 0 for no limit.
    let maximum = Atomic<Int>(0)
    let active = Atomic<Bool>(true)

    /// How messages of one subscription are handed over.
    enum Delivery: Sendable {
        /// An owned copy to a closure on the reader thread.
        case handler(@Sendable (Message) -> Void)
        /// Views into the read buffer to a closure on the reader thread.
        case view(@Sendable (MessageView) -> Void)
        /// Queued for `nextMessage`.
        case queue(MessageQueue)
        /// The connection's request inbox: replies go to waiting `request` calls.
        case inbox
    }

    init(subject: String, queueGroup: String?, sid: Int, connection: NATSConnection, delivery: Delivery) {
        self.subject = subject
        self.queueGroup = queueGroup
        self.sid = sid
        self.connection = connection
        self.delivery = delivery
    }

    /// Messages delivered so far (across reconnects).
    public var deliveredCount: Int { delivered.load(ordering: .relaxed) }

    /// False once unsubscribed, past its maximum, or closed with its connection.
    public var isActive: Bool { active.load(ordering: .acquiring) }

    /// Messages waiting for `nextMessage` (0 for handler subscriptions).
    public var pendingCount: Int {
        if case .queue(let queue) = delivery { queue.count } else { 0 }
    }

    /// Messages dropped because `nextMessage` fell behind by more than the pending limit.
    public var droppedCount: Int {
        if case .queue(let queue) = delivery { queue.dropped } else { 0 }
    }

    /// Stops the subscription now, or (with `max`) once `max` messages in total were delivered.
    public func unsubscribe(max: Int? = nil) throws(ClientError) {
        try connection.unsubscribe(self, max: max)
    }

    /// The next message of a `subscribeSync` subscription, waiting up to `timeout` (nil: forever).
    /// Throws `.timeout`, or `.closed` once the subscription ended and its queue is empty.
    public func nextMessage(timeout: Duration?) throws(ClientError) -> Message {
        guard case .queue(let queue) = delivery else {
            preconditionFailure("nextMessage needs a subscription made with subscribeSync")
        }
        return try queue.pop(until: timeout.map { Deadline.after($0) } ?? .never)
    }

    /// The subscription is gone from the connection: wake `nextMessage` callers.
    func finish() {
        active.store(false, ordering: .releasing)
        if case .queue(let queue) = delivery { queue.close() }
    }
}
