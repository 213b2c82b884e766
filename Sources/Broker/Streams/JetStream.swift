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

    /// Work waiting for the end of the turn.
    /// Stores holding publishes whose acks wait: synced at the end of every turn.
    private var storesToSync: [ObjectIdentifier: StreamStorage] = [:]
    /// Consumer progress and stream removals (acked work-queue messages): losing the last few on a
    /// crash only means redelivery (at-least-once), so they are synced every `lazySyncInterval`, or
    /// at once when an ack asked for a reply (`ack_sync`).
    private var consumersToSync: [ObjectIdentifier: ConsumerPersistence] = [:]
    private var lazyStoresToSync: [ObjectIdentifier: StreamStorage] = [:]
    private var lastLazySync: UInt64 = 0
    private var lazyWorkAsksForDurability = false
    static let lazySyncInterval: UInt64 = 100_000_000
    private var repliesAfterSync: [PendingReply] = []
    /// Stores whose append or sync failed this turn: their unsynced messages were discarded.
    private var failedStores: Set<ObjectIdentifier> = []

    /// A reply held until the end-of-turn sync. A publish ack names what it acknowledges so it
    /// can be turned into an error when the store dropped that message after a write failure.
    struct PendingReply {
        var inbox: ReplyInbox
        var payload: [UInt8]
        var stored: (storage: StreamStorage, sequence: UInt64, stream: String)?
    }
    private var streamsWithNewMessages: [ObjectIdentifier: MessageStream] = [:]

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

    // MARK: inbound work (JetStream thread)

    /// Stores a message published on a stream subject; its ack waits for the end-of-turn sync.
    func storePublished(_ message: InboundMessage) {
        guard let stream = streams[message.streamName] else { return }
        let now = Timestamp.nowNanoseconds()
        let outcome = stream.store(
            subject: message.subject, headers: message.headers, payload: message.payload,
            now: now)
        var ack = APIResponse.PublishAck(stream: stream.name, seq: 0)
        switch outcome {
        case .stored(let sequence):
            ack.seq = sequence
            storesToSync[ObjectIdentifier(stream.storage)] = stream.storage
            streamsWithNewMessages[ObjectIdentifier(stream)] = stream
            if !message.reply.isEmpty && !stream.config.noAck {
                repliesAfterSync.append(
                    PendingReply(
                        inbox: message.replyInbox, payload: ack.bytes,
                        stored: (stream.storage, sequence, stream.name)))
            }
            return
        case .duplicate(let sequence):
            ack.seq = sequence
            ack.duplicate = true
        case .refused(let error):
            ack.error = APIResponse.ErrorBody(error)
        case .writeFailed(let error):
            ack.error = APIResponse.ErrorBody(error)
            failedStores.insert(ObjectIdentifier(stream.storage))
            logger.error(
                "stream write failed; unsynced messages discarded",
                [
                    "stream": stream.name,
                    "error": error.description,
                ])
        }
        if !message.reply.isEmpty && !stream.config.noAck { send(to: message.replyInbox, payload: ack.bytes) }
    }

    /// Marks a consumer's records and its stream's removals for the next lazy sync.
    func needsSync(_ consumer: Consumer) {
        consumersToSync[ObjectIdentifier(consumer.persistence)] = consumer.persistence
        if consumer.stream.config.retention == .workqueue {
            lazyStoresToSync[ObjectIdentifier(consumer.stream.storage)] = consumer.stream.storage
        }
    }

    /// Drops a consumer that is being deleted from the pending syncs.
    func forget(_ consumer: Consumer) {
        consumersToSync[ObjectIdentifier(consumer.persistence)] = nil
    }

    /// Lets the stream's consumers deliver at the end of this turn, after the answers sent in it.
    func needsDispatch(_ stream: MessageStream) {
        streamsWithNewMessages[ObjectIdentifier(stream)] = stream
    }

    /// Marks a stream's storage (after removals) for the next lazy sync.
    func needsSync(_ stream: MessageStream) {
        lazyStoresToSync[ObjectIdentifier(stream.storage)] = stream.storage
    }

    /// Sends `payload` to `subject` once everything written so far is durable (an ack_sync reply).
    func replyAfterSync(to inbox: ReplyInbox, payload: [UInt8]) {
        lazyWorkAsksForDurability = true
        repliesAfterSync.append(PendingReply(inbox: inbox, payload: payload, stored: nil))
    }

    /// When the lazy sync is due (monotonic nanoseconds), if anything waits for it.
    var lazySyncDeadline: UInt64? {
        guard !consumersToSync.isEmpty || !lazyStoresToSync.isEmpty else { return nil }
        return lastLazySync + Self.lazySyncInterval
    }

    /// End of turn: one sync per written store, then the replies that waited for it, then
    /// deliveries of what was stored, then one write per client.
    private func finishTurn() {
        for (identity, storage) in storesToSync {
            do {
                try storage.sync()
            } catch {
                failedStores.insert(identity)
                logger.error("stream sync failed; unsynced messages discarded", ["error": error])
            }
        }
        storesToSync.removeAll(keepingCapacity: true)
        let now = Clock.monotonicNanoseconds()
        if lazyWorkAsksForDurability || (lazySyncDeadline.map { now >= $0 } ?? false) {
            syncLazily(now: now)
        }
        for reply in repliesAfterSync {
            if let stored = reply.stored, failedStores.contains(ObjectIdentifier(stored.storage)),
                !stored.storage.contains(stored.sequence)
            {
                // The store cut this message back after a write failure: it was never durable.
                let refusal = APIResponse.PublishAck(
                    error: APIResponse.ErrorBody(.storeFailed("storage failed: message not stored")),
                    stream: stored.stream, seq: 0)
                send(to: reply.inbox, payload: refusal.bytes)
            } else {
                send(to: reply.inbox, payload: reply.payload)
            }
        }
        repliesAfterSync.removeAll(keepingCapacity: true)
        failedStores.removeAll()
        if !streamsWithNewMessages.isEmpty {
            let now = Timestamp.nowNanoseconds()
            for stream in streamsWithNewMessages.values {
                for consumer in stream.consumers.values where consumer.wantsDispatch {
                    consumer.dispatch(now: now, output: self)
                    needsSync(consumer)
                }
            }
            streamsWithNewMessages.removeAll(keepingCapacity: true)
        }
        context.flushMarked()
    }

    /// Syncs consumer progress and removals (see `consumersToSync`).
    private func syncLazily(now: UInt64) {
        for storage in lazyStoresToSync.values {
            do { try storage.sync() } catch { logger.error("stream sync after removals failed", ["error": error]) }
        }
        for persistence in consumersToSync.values {
            do { try persistence.sync() } catch { logger.error("consumer state sync failed", ["error": error]) }
        }
        lazyStoresToSync.removeAll(keepingCapacity: true)
        consumersToSync.removeAll(keepingCapacity: true)
        lazyWorkAsksForDurability = false
        lastLazySync = now
    }

    /// Ack-wait expiries, request timeouts, `max_age`, idle ephemeral consumers.
    private func tick() {
        let now = Timestamp.nowNanoseconds()
        for stream in streams.values {
            if !stream.expireOldMessages(now: now).isEmpty { needsSync(stream) }
            for consumer in Array(stream.consumers.values) {
                consumer.tick(now: now, output: self)
                needsSync(consumer)
                if !consumer.isDurable && consumer.waiting.isEmpty,
                    now.subtractingClamped(consumer.lastActive) > (consumer.config.inactiveThreshold ?? 5_000_000_000)
                {
                    stream.consumers[consumer.name] = nil
                    logger.debug(
                        "ephemeral consumer removed after inactivity",
                        [
                            "stream": stream.name, "consumer": consumer.name,
                        ])
                }
            }
        }
    }

    /// The next consumer deadline, as monotonic nanoseconds for the loop's timer.
    private func nextDeadline() -> UInt64? {
        var earliest: Int64?
        for stream in streams.values {
            for consumer in stream.consumers.values {
                if let deadline = consumer.nextDeadline { earliest = min(earliest ?? deadline, deadline) }
            }
        }
        let lazy = lazySyncDeadline
        guard let earliest else { return lazy }
        let wait = max(0, earliest.subtractingClamped(Timestamp.nowNanoseconds()))
        let consumerDeadline = Clock.monotonicNanoseconds().addingClamped(UInt64(wait))
        return min(consumerDeadline, lazy ?? consumerDeadline)
    }

    // MARK: sending (JetStream thread)

    /// Publishes a message from the broker itself through normal routing (advisories).
    func send(to subject: String, reply: String = "", headers: [UInt8] = [], payload: [UInt8]) {
        JetStream.withFrame(subject: subject, reply: reply, headers: headers, payload: payload) { frame in
            _ = MessageRouter.route(frame, from: nil, echo: true, in: context)
        }
    }

    /// Answers a request: only the requesting connection's subscriptions on the inbox get it.
    func send(to inbox: ReplyInbox, headers: [UInt8] = [], payload: [UInt8]) {
        JetStream.withFrame(subject: inbox.subject, reply: "", headers: headers, payload: payload) { frame in
            deliverToInbox(frame, inbox: inbox)
        }
    }

    /// Builds a publish frame over temporary copies of the parts, valid inside `body`. Without
    /// headers the payload is the message as it is (no copy: every pulled message passes here).
    static func withFrame(
        subject: String, reply: String, headers: [UInt8], payload: [UInt8],
        _ body: (PublishFrame) -> Void
    ) {
        var subjectText = subject
        var replyText = reply
        subjectText.withUTF8 { subjectBytes in
            replyText.withUTF8 { replyBytes in
                func frame(_ messageBytes: UnsafeRawBufferPointer) {
                    body(
                        PublishFrame(
                            subject: UnsafeRawBufferPointer(subjectBytes), reply: UnsafeRawBufferPointer(replyBytes),
                            headerLength: headers.count, message: messageBytes, hasHeaders: !headers.isEmpty))
                }
                if headers.isEmpty {
                    payload.withUnsafeBytes(frame)
                } else {
                    (headers + payload).withUnsafeBytes(frame)
                }
            }
        }
    }
}

extension JetStream: ConsumerOutput {
    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String) {
        JetStream.withFrame(
            subject: message.subject, reply: ackSubject, headers: message.headers,
            payload: message.payload
        ) { frame in
            deliverToInbox(frame, inbox: inbox)
        }
    }

    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox) {
        var header = "NATS/1.0 \(code) \(description)\r\n"
        for (name, value) in extraHeaders { header += "\(name): \(value)\r\n" }
        header += "\r\n"
        send(to: inbox, headers: Array(header.utf8), payload: [])
    }

    func publishAdvisory(subject: String, json: [UInt8]) {
        send(to: subject, payload: json)
    }

    func sendFlowControlRequest(to subject: String, reply: String) {
        let header = Array("NATS/1.0 100 FlowControl Request\r\n\r\n".utf8)
        JetStream.withFrame(subject: subject, reply: reply, headers: header, payload: []) { frame in
            deliverToInbox(frame, inbox: ReplyInbox(subject: subject))
        }
    }

    func hasInterest(in subject: String) -> Bool {
        let match = context.matchCache.match(subject)
        return !match.plain.isEmpty || !match.groups.isEmpty
    }

    /// Routes a frame to the subscribers of `inbox` while keeping the frame's own subject in the
    /// MSG line (a pull consumer's delivery names the original subject, not the inbox). With a
    /// requesting connection, only its subscriptions are candidates: nats-server routes answers to
    /// every subscriber of the inbox and relies on per-user inbox prefixes; we do both.
    private func deliverToInbox(_ frame: PublishFrame, inbox: ReplyInbox) {
        var inboxText = inbox.subject
        inboxText.withUTF8 { inboxBytes in
            ReplyInbox.deliver(frame, toInbox: UnsafeRawBufferPointer(inboxBytes), client: inbox.client, in: context)
        }
    }
}
