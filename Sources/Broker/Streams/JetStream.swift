import Net
import Support
import Wire

/// The JetStream subset: streams that store what is published on their subjects, pull consumers
/// that hand it out with acknowledgements, and the `$JS.API` requests that manage them.
///
/// Everything runs on one dedicated loop thread. Client loops hand messages over (copied) through
/// `execute`; at the end of each turn the engine syncs every store it wrote once (group commit),
/// then sends the publish acks and ack replies that waited for it, then feeds waiting pull requests.
/// `@unchecked Sendable`: all mutable state is confined to that thread.
///
/// Extensions: `JetStream+GroupCommit` (storing publishes, the end of the turn), `JetStream+Timers`,
/// `JetStream+Sending` (and `ConsumerOutput`), the `$JS.API` handlers, acks and flow control.
final class JetStream: @unchecked Sendable {
    unowned let broker: Broker
    let context: LoopContext
    let directory: JetStreamDirectory
    let logger: Logger
    var streams: [String: MessageStream] = [:]
    private var apiSubscription: Subscription?
    private var ackSubscription: Subscription?
    private var flowControlSubscription: Subscription?
    var apiRequests = 0
    var apiErrors = 0
    /// Acks whose subject is not the nine-token form this broker hands out (see `AckSubject`).
    var ignoredAcks = 0
    var ignoredAckNotice = RateLimitedNotice()
    /// Bounds what client loops hand over to this thread.
    let intake = JetStreamIntake()

    // Work waiting for the end of the turn: changed only by `JetStream+GroupCommit` and by
    // `removeStream`, which drops a deleted stream's share.
    /// Stores holding publishes whose acks wait: synced at the end of every turn.
    var storesToSync: [ObjectIdentifier: StreamStorage] = [:]
    /// Consumer progress and stream removals (acked work-queue messages): losing the last few on a
    /// crash only means redelivery (at-least-once), so they are synced every `lazySyncInterval`, or
    /// at once when an ack asked for a reply (`ack_sync`).
    var consumersToSync: [ObjectIdentifier: ConsumerPersistence] = [:]
    var lazyStoresToSync: [ObjectIdentifier: StreamStorage] = [:]
    var lastLazySync: UInt64 = 0
    var lazyWorkAsksForDurability = false
    static let lazySyncInterval: UInt64 = 100_000_000
    var repliesAfterSync: [PendingReply] = []
    /// Stores whose append or sync failed this turn: their unsynced messages were discarded.
    var failedStores: Set<ObjectIdentifier> = []
    /// Streams that stored messages this turn: their consumers deliver at its end.
    var streamsWithNewMessages: [ObjectIdentifier: MessageStream] = [:]

    /// A reply held until the end-of-turn sync. A publish ack names what it acknowledges so it
    /// can be turned into an error when the store dropped that message after a write failure.
    struct PendingReply {
        var inbox: ReplyInbox
        var payload: [UInt8]
        var stored: (storage: StreamStorage, sequence: UInt64, stream: String)?
    }

    init(broker: Broker, context: LoopContext, directory: JetStreamDirectory, logger: Logger) {
        self.broker = broker
        self.context = context
        self.directory = directory
        self.logger = logger
    }

    var loop: EventLoop { context.loop }

    /// Loads stored streams and consumers and subscribes to the API and ack subjects. JetStream thread.
    func start() throws {
        let now = Timestamp.nowNanoseconds()
        for record in try directory.loadStreams() {
            do {
                let stream = try openStream(config: record.config, created: record.created)
                for consumer in try directory.loadConsumers(of: record.config.name) {
                    try attachConsumer(
                        name: consumer.name, config: consumer.config, created: consumer.created,
                        to: stream, now: now)
                }
                logger.info(
                    "stream recovered",
                    [
                        "stream": stream.name, "messages": stream.storage.state.messages,
                        "last_seq": stream.storage.state.lastSequence, "consumers": stream.consumers.count,
                    ])
            } catch {
                logger.error("cannot recover stream", ["stream": record.config.name, "error": error])
            }
        }
        apiSubscription = subscribeInternally("$JS.API.>", JetStreamReceiver(engine: self, role: .apiRequests))
        ackSubscription = subscribeInternally("$JS.ACK.>", JetStreamReceiver(engine: self, role: .acknowledgements))
        flowControlSubscription = subscribeInternally(
            "$JS.FC.>", JetStreamReceiver(engine: self, role: .flowControlAnswers))
        loop.onTurnEnd = { [unowned self] in finishTurn() }
        loop.onTick = { [unowned self] in tick() }
        loop.nextTimerDeadline = { [unowned self] in nextDeadline() }
    }

    func subscribeInternally(_ subject: String, _ receiver: InternalSubscriber) -> Subscription {
        let subscription = Subscription(internal: receiver, subject: subject)
        broker.subjectIndex.insert(subscription)
        return subscription
    }

    /// Flushes stores and closes files on shutdown. JetStream thread.
    func stop() {
        finishTurn()
        syncLazily(now: Clock.monotonicNanoseconds())
        for stream in streams.values {
            for consumer in stream.consumers.values { consumer.persistence.close() }
            do {
                try stream.storage.close()
            } catch {
                logger.error("stream store did not close cleanly", ["stream": stream.name, "error": error])
            }
        }
    }

    // MARK: streams and consumers

    func openStream(config: StreamConfig, created: Int64) throws -> MessageStream {
        let storage: StreamStorage =
            config.storage == .memory
            ? MemoryStreamStorage() : try directory.openStorage(for: config.name, logger: logger)
        let stream = MessageStream(config: config, created: created, storage: storage)
        stream.recoverRecentIDs(now: Timestamp.nowNanoseconds())
        streams[config.name] = stream
        captureSubjects(of: stream)
        return stream
    }

    /// Subscribes the stream to its subjects (again, after an update).
    func captureSubjects(of stream: MessageStream) {
        for subscription in stream.captureSubscriptions { broker.subjectIndex.remove(subscription) }
        stream.captureSubscriptions = stream.config.subjects.map {
            subscribeInternally(
                $0,
                JetStreamReceiver(
                    engine: self, role: .capture(streamName: stream.name, acknowledges: !stream.config.noAck)))
        }
    }

    func removeStream(_ stream: MessageStream) throws {
        for subscription in stream.captureSubscriptions { broker.subjectIndex.remove(subscription) }
        stream.captureSubscriptions = []
        for consumer in stream.consumers.values {
            consumer.cancelWaiting(output: self)
            forget(consumer)
            try? consumer.persistence.destroy()
        }
        stream.consumers.removeAll()
        storesToSync[ObjectIdentifier(stream.storage)] = nil
        lazyStoresToSync[ObjectIdentifier(stream.storage)] = nil
        streamsWithNewMessages[ObjectIdentifier(stream)] = nil
        try stream.storage.destroy()
        try directory.removeStream(stream.name)
        streams[stream.name] = nil
    }

    @discardableResult
    func attachConsumer(name: String, config: ConsumerConfig, created: Int64, to stream: MessageStream, now: Int64)
        throws
        -> Consumer
    {
        let persistence: ConsumerPersistence =
            stream.config.storage == .memory || config.durableName == nil
            ? TransientConsumerPersistence()
            : try directory.openConsumerState(stream: stream.name, consumer: name, logger: logger)
        let consumer = Consumer(
            name: name, config: config, created: created, stream: stream, persistence: persistence,
            now: now)
        stream.consumers[name] = consumer
        return consumer
    }
}
