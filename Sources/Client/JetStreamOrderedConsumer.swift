#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support

/// Reads a stream's messages on `filter` in order, each once, through connection drops and leader
/// elections, as nats.go's ordered consumer does: an ephemeral pull consumer (no acks, one replica,
/// memory storage) checked by its consumer sequence. A gap in that sequence (messages delivered while
/// the connection was down), a pull the server never ended (a reconnect), or a consumer that is gone
/// (a restart, the inactivity limit) throws the consumer away; a new one starts right after the last
/// stream sequence handed out, so nothing is missed and nothing repeats.
///
/// `poll` is for one reader at a time; `start(into:)` runs it on its own thread, feeding a
/// `MessageInbox` beside core subscriptions, until `stop()`.
///
/// `@unchecked Sendable`: `lock` guards `stopped`, `thread` and the counters read from other threads;
/// the consumer state (`pull`, `expected`, `lastStreamSequence`) belongs to the polling thread.
public final class JetStreamOrderedConsumer: @unchecked Sendable {
    public let stream: String
    public let filter: String
    let context: JetStreamContext
    private let lock = Lock()
    private var stopped = false
    private var thread: pthread_t?
    private var pull: PullSubscription?
    private var consumerName: String?
    /// The consumer sequence the next message must carry.
    private var expected: UInt64 = 1
    private var lastSequence: UInt64
    private var createdCount = 0
    private let namePrefix: String

    /// Consumers left unused this long are removed by the server (a reader gone for good).
    static let inactiveThreshold: Duration = .seconds(30)

    /// Follows `filter` on `stream` from `startSequence` (nil: from the stream's first message).
    public init(context: JetStreamContext, stream: String, filter: String, startSequence: UInt64? = nil) {
        self.context = context
        self.stream = stream
        self.filter = filter
        lastSequence = max(startSequence ?? 1, 1) - 1
        namePrefix = "ordered_" + String(context.connection.newInbox().split(separator: ".").last ?? "x")
    }

    deinit { try? pull?.unsubscribe() }

    /// The stream sequence of the last message handed out (0 before the first).
    public var lastStreamSequence: UInt64 { lock.withLock { lastSequence } }

    /// How many consumers were made: 1, plus one per gap, reconnect or lost consumer.
    public var consumersCreated: Int { lock.withLock { createdCount } }

    /// The next messages in stream order, waiting up to `wait` when none is ready; empty when none
    /// came (or a gap was found: the next poll reads on from a new consumer). Throws when the consumer
    /// cannot be made or pulled from; the next poll starts over.
    public func poll(wait: Duration) throws(JetStreamError) -> [JetStreamMessage] {
        if pull == nil { try create() }
        guard let pull else { return [] }
        var batch: [JetStreamMessage]
        do {
            batch = try pull.fetch(batch: 256, noWait: true)
            if batch.isEmpty { batch = try pull.fetch(batch: 1, expires: wait) }
        } catch {
            reset()
            throw error
        }
        var ready: [JetStreamMessage] = []
        for message in batch {
            guard message.metadata.consumerSequence == expected else {
                reset()
                break
            }
            expected += 1
            lock.withLock { lastSequence = message.metadata.streamSequence }
            ready.append(message)
        }
        return ready
    }

    /// Polls on a thread of its own, pushing each message (as a plain `Message`) into `inbox`.
    public func start(into inbox: MessageInbox) {
        let thread = SystemThread.start(name: "ordered-\(stream)") { [self] in
            while !isStopped {
                do {
                    for message in try poll(wait: .seconds(1)) { inbox.push(message.message) }
                } catch {
                    if isStopped { break }
                    JetStreamContext.pause(.milliseconds(250))
                }
            }
        }
        lock.withLock { self.thread = thread }
    }

    /// Ends the thread `start` began (within a poll's wait).
    public func stop() {
        let thread = lock.withLock { () -> pthread_t? in
            stopped = true
            defer { self.thread = nil }
            return self.thread
        }
        if let thread { SystemThread.join(thread) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// A new ephemeral consumer starting right after the last message handed out.
    private func create() throws(JetStreamError) {
        let (next, serial) = lock.withLock { () -> (UInt64, Int) in
            createdCount += 1
            return (lastSequence + 1, createdCount)
        }
        let name = "\(namePrefix)_\(serial)"
        var config = ConsumerConfig(
            name: name, deliverPolicy: next <= 1 ? .all : .byStartSequence, ackPolicy: .none, maxDeliver: 1,
            filterSubject: filter)
        config.startSequence = next <= 1 ? nil : next
        config.inactiveThreshold = Self.inactiveThreshold
        config.replicas = 1
        config.memoryStorage = true
        _ = try context.addOrUpdateConsumer(stream: stream, config)
        pull = try PullSubscription(context: context, stream: stream, consumer: name)
        consumerName = name
        expected = 1
    }

    /// Drops the consumer; the server removes it after `inactiveThreshold` (a delete could block on a
    /// connection that is down).
    private func reset() {
        try? pull?.unsubscribe()
        pull = nil
        consumerName = nil
    }
}
