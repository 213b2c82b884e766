import Wire

/// A consumer of one stream: which messages it has handed out, which wait for an ack and since
/// when, which are due again, and either the pull requests waiting for messages or, for a push
/// consumer, where it sends them unasked (`push`). JetStream thread.
///
/// Its work lives in extensions: `Consumer+PullRequests` (waiting requests), `Consumer+Delivery`
/// (handing out one message), `Consumer+Timers` (ack waits, delayed NAKs, `tick`), `Consumer+Acks`
/// (what each ack does), `Consumer+AckFloor` (moving the ack floor) and `Consumer+Push`. The state
/// those extensions change is internal so that they can; only `Consumer` and its extensions may
/// change it, everything else in the module only reads it.
final class Consumer {
    let name: String
    var config: ConsumerConfig
    let created: Int64
    unowned let stream: MessageStream
    let persistence: ConsumerPersistence
    let filter: (String) -> Bool
    /// `$JS.ACK.<stream>.<consumer>.`, the start of every ack subject this consumer hands out.
    let ackSubjectPrefix: String
    /// A push consumer's delivery state; nil for pull consumers.
    var push: PushDelivery?
    /// `deliver_policy: last_per_subject`: the newest sequence of each subject at creation, in
    /// order, handed out before anything stored later (`lastPerSubjectNext` indexes the next one).
    /// Set here at creation, advanced by `deliver` (`Consumer+Delivery`).
    var lastPerSubject: [UInt64] = []
    var lastPerSubjectNext = 0

    /// The newest sequences handed out. Changed by `deliver` and on creation.
    var deliveredStreamSequence: UInt64 = 0
    var deliveredConsumerSequence: UInt64 = 0
    /// Delivered, not yet acknowledged: stream sequence → delivery record. Changed by delivery,
    /// timers and acks (`Consumer+Delivery`, `Consumer+Timers`, `Consumer+Acks`).
    var pending: [UInt64: PendingDelivery] = [:]
    /// When each pending delivery's ack wait ends; entries go stale when a record's deadline moves.
    /// Pushed by delivery and `+WPI`, popped and pruned by `Consumer+Timers`.
    var ackDeadlines = DeadlineHeap()
    /// Stream sequences whose ack wait ended (or were NAKed), redelivered before new messages.
    /// Filled by `Consumer+Timers` and `-NAK`, emptied by `Consumer+Delivery`.
    var due = SequenceQueue()
    /// Sequences NAKed with a delay, by when they become due (`Consumer+Timers` moves them to `due`).
    var delayed = DeadlineHeap()
    /// Pull requests waiting for messages, oldest first. Changed by `Consumer+PullRequests` and by
    /// `tick`, which ends expired ones.
    var waiting: [PullRequest] = []
    /// Messages given up on after `max_deliver`: never delivered again, never acknowledged, so they
    /// hold the ack floor down (as in nats-server) until they leave the stream. Added by `tick`,
    /// dropped by `Consumer+AckFloor`.
    var exhausted: Set<UInt64> = []
    /// Acknowledged up to here: moves only when acks arrive (as in nats-server), not on delivery.
    /// Moved by `Consumer+AckFloor` (and by delivery with `ack_policy: none`).
    var ackFloorStreamSequence: UInt64 = 0
    var ackFloorConsumerSequence: UInt64 = 0
    /// The lowest sequence pending or given up on when the floor last moved; nil when unknown. No
    /// pending or given-up sequence is lower, so after in-order acks the next one is found by
    /// looking just above it instead of scanning every pending delivery. Kept by `Consumer+AckFloor`,
    /// lowered by a delivery below it.
    var lowestOutstanding: UInt64?
    /// Messages after `deliveredStreamSequence` that pass the filter, when known: counted once,
    /// then kept up to date on appends and deliveries; forgotten when the stream removes messages.
    var undeliveredCount: Int?
    private var undeliveredCountGeneration: UInt64 = 0
    /// When the consumer was last used. Set on delivery and pull requests.
    var lastActive: Int64

    struct PendingDelivery {
        var consumerSequence: UInt64
        var deliveries: Int
        /// When the ack wait ends (wall-clock nanoseconds); 0 while waiting to be redelivered.
        var deadline: Int64
    }

    init(
        name: String, config: ConsumerConfig, created: Int64, stream: MessageStream, persistence: ConsumerPersistence,
        now: Int64
    ) {
        self.name = name
        self.config = config
        self.created = created
        self.stream = stream
        self.persistence = persistence
        lastActive = now
        ackSubjectPrefix = "$JS.ACK.\(stream.name).\(name)."
        let filters = config.filters
        filter =
            filters.isEmpty
            ? { _ in true }
            : { subject in
                filters.contains { Subject.matches(pattern: $0, subject: subject) }
            }
        if let deliverSubject = config.deliverSubject {
            push = PushDelivery(
                deliverSubject: deliverSubject, flowControl: config.flowControl, idleHeartbeat: config.idleHeartbeat,
                now: now)
        }
        startingPoint(now: now)
        restore(persistence.recovered, now: now)
    }

    var isDurable: Bool { config.durableName != nil }

    /// Marks the consumer as in use now (an ephemeral one is removed after `inactive_threshold`
    /// without use).
    func noteActive(now: Int64) { lastActive = max(lastActive, now) }

    /// Where delivery starts for a new consumer, from its deliver policy.
    private func startingPoint(now: Int64) {
        let state = stream.storage.state
        switch config.deliverPolicy {
        case .all, .byStartTime:
            deliveredStreamSequence = state.firstSequence > 0 ? state.firstSequence - 1 : 0
        case .lastPerSubject:
            lastPerSubject = newestPerSubject()
            deliveredStreamSequence = state.lastSequence
        case .last:
            // The last message this consumer would see, not the stream's last.
            var cursor: UInt64 = state.firstSequence > 0 ? state.firstSequence - 1 : 0
            var last: UInt64?
            while let next = stream.storage.nextSequence(after: cursor, matching: filter) {
                last = next
                cursor = next
            }
            deliveredStreamSequence = (last ?? state.lastSequence + 1) - 1
        case .new:
            deliveredStreamSequence = state.lastSequence
        case .byStartSequence:
            deliveredStreamSequence = max(1, config.optStartSequence ?? 1) - 1
        }
        ackFloorStreamSequence = deliveredStreamSequence
    }

    /// The newest stored sequence of every subject this consumer sees, ascending: one walk over the
    /// stream's index (subjects only, no payloads).
    private func newestPerSubject() -> [UInt64] {
        var newest: [String: UInt64] = [:]
        var cursor: UInt64 = 0
        var subject = ""
        while let sequence = stream.storage.nextSequence(
            after: cursor,
            matching: { [filter] candidate in
                guard filter(candidate) else { return false }
                subject = candidate
                return true
            })
        {
            newest[subject] = sequence
            cursor = sequence
        }
        return newest.values.sorted()
    }

    /// Picks up where a previous run left off; every delivery still pending is redelivered after
    /// a fresh ack wait.
    private func restore(_ progress: ConsumerProgress, now: Int64) {
        guard progress.deliveredConsumerSequence > 0 || progress.deliveredStreamSequence > 0 else { return }
        deliveredStreamSequence = max(deliveredStreamSequence, progress.deliveredStreamSequence)
        deliveredConsumerSequence = progress.deliveredConsumerSequence
        ackFloorStreamSequence = progress.ackFloorStreamSequence
        ackFloorConsumerSequence = progress.ackFloorConsumerSequence
        for (sequence, record) in progress.pending where stream.storage.contains(sequence) {
            let deadline = now.addingClamped(config.ackWait)
            pending[sequence] = PendingDelivery(
                consumerSequence: record.consumerSequence, deliveries: record.deliveries, deadline: deadline)
            ackDeadlines.push(deadline: deadline, sequence: sequence)
        }
    }

    // MARK: info

    /// The stream stored a message: keep the undelivered count current (a consumer that starts
    /// beyond the stream's end does not count what is stored before its start).
    func noteStored(subject: String, sequence: UInt64) {
        guard undeliveredCount != nil, sequence > deliveredStreamSequence, filter(subject) else { return }
        undeliveredCount! += 1
    }

    /// Messages not yet delivered that this consumer would get.
    var numberPending: UInt64 {
        let picked = UInt64(lastPerSubject.count - lastPerSubjectNext)
        if let undeliveredCount, undeliveredCountGeneration == stream.removalGeneration {
            return UInt64(undeliveredCount) + picked
        }
        let counted = stream.storage.count(after: deliveredStreamSequence, matching: filter)
        undeliveredCount = counted
        undeliveredCountGeneration = stream.removalGeneration
        return UInt64(counted) + picked
    }

    var numberRedelivered: Int { pending.values.filter { $0.deliveries > 1 }.count + exhausted.count }
}
