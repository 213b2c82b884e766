import Net

/// One blocking queue fed by several subscriptions, for a command that waits on many subjects at once
/// (`ffrtmp submit --wait` on events and results, `ffrtmp watch` on events, telemetry and results).
/// Messages keep their arrival order across subscriptions. When more than `limit` wait unread, new
/// ones are dropped and counted.
public final class MessageInbox: Sendable {
    private let queue: MessageQueue

    public init(limit: Int = 65_536) {
        queue = MessageQueue(limit: limit)
    }

    /// The next message, waiting up to `timeout` (nil: forever); throws `.timeout` when none came.
    public func next(timeout: Duration?) throws(ClientError) -> Message {
        try queue.pop(until: timeout.map { Deadline.after($0) } ?? .never)
    }

    /// Messages dropped because the reader fell behind.
    public var droppedCount: Int { queue.dropped }

    /// Stops waiters: they get what is queued, then `.closed`.
    public func close() { queue.close() }

    func push(_ message: Message) { _ = queue.push(message) }
}

extension NATSConnection {
    /// Subscribes to `subject`, delivering into `inbox`. Unsubscribing leaves the inbox open for the
    /// others feeding it.
    @discardableResult
    public func subscribe(_ subject: String, into inbox: MessageInbox) throws(ClientError) -> ClientSubscription {
        try subscribe(subject) { message in inbox.push(message) }
    }
}
