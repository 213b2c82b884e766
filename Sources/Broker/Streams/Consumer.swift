import Wire

/// Sends what a consumer hands out: messages to a pull request's inbox or a push consumer's deliver
/// subject, status replies, advisories.
protocol ConsumerOutput: AnyObject {
    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String)
    /// An HMSG with only a status header block (`NATS/1.0 404 No Messages`…) to `inbox`.
    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox)
    func publishAdvisory(subject: String, json: [UInt8])
    /// A `100 FlowControl Request` status to a push consumer's deliver subject, answered on `reply`.
    func sendFlowControlRequest(to subject: String, reply: String)
    /// Whether any subscription matches a push consumer's deliver subject.
    func hasInterest(in subject: String) -> Bool
}

extension ConsumerOutput {
    /// Outputs that serve only pull consumers send no flow control and see no push interest.
    func sendFlowControlRequest(to subject: String, reply: String) {}
    func hasInterest(in subject: String) -> Bool { false }
}

/// A consumer of one stream: which messages it has handed out, which wait for an ack and since
/// when, which are due again, and either the pull requests waiting for messages or, for a push
/// consumer, where it sends them unasked (`push`). JetStream thread.
final class Consumer {
    let name: String
    var config: ConsumerConfig
    let created: Int64
    unowned let stream: MessageStream
    let persistence: ConsumerPersistence
    let filter: (String) -> Bool
    /// `$JS.ACK.<stream>.<consumer>.`, the start of every ack subject this consumer hands out.
    private let ackSubjectPrefix: String
    /// A push consumer's delivery state; nil for pull consumers.
    var push: PushDelivery?
    /// `deliver_policy: last_per_subject`: the newest sequence of each subject at creation, in
    /// order, handed out before anything stored later (`lastPerSubjectNext` indexes the next one).
    private var lastPerSubject: [UInt64] = []
    private var lastPerSubjectNext = 0

    private(set) var deliveredStreamSequence: UInt64 = 0
    private(set) var deliveredConsumerSequence: UInt64 = 0
    /// Delivered, not yet acknowledged: stream sequence → delivery record.
    private(set) var pending: [UInt64: PendingDelivery] = [:]
    private var ackDeadlines = DeadlineHeap()
    /// Stream sequences whose ack wait ended (or were NAKed), redelivered before new messages.
    private var due = SequenceQueue()
    /// Sequences NAKed with a delay, by when they become due.
    private var delayed = DeadlineHeap()
    private(set) var waiting: [PullRequest] = []
    /// Messages given up on after `max_deliver`: never delivered again, never acknowledged, so they
    /// hold the ack floor down (as in nats-server) until they leave the stream.
    private var exhausted: Set<UInt64> = []
    /// Acknowledged up to here: moves only when acks arrive (as in nats-server), not on delivery.
    private(set) var ackFloorStreamSequence: UInt64 = 0
    private(set) var ackFloorConsumerSequence: UInt64 = 0
    /// The lowest sequence pending or given up on when the floor last moved; nil when unknown. No
    /// pending or given-up sequence is lower, so after in-order acks the next one is found by
    /// looking just above it instead of scanning every pending delivery.
    private var lowestOutstanding: UInt64?
    /// Messages after `deliveredStreamSequence` that pass the filter, when known: counted once,
    /// then kept up to date on appends and deliveries; forgotten when the stream removes messages.
    private var undeliveredCount: Int?
    private var undeliveredCountGeneration: UInt64 = 0
    private(set) var lastActive: Int64

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

    // MARK: pull requests

    /// Queues a pull request and serves what it can at once; a request beyond the consumer's
    /// limits is answered with nats-server's `409` status instead.
    func add(_ request: PullRequest, now: Int64, output: ConsumerOutput) {
        if push != nil {
            output.sendStatus(409, Self.pushBasedRefusal, extraHeaders: [], to: request.reply)
            return
        }
        lastActive = now
        if let refusal = limitExceeded(by: request) {
            output.sendStatus(409, refusal, extraHeaders: [], to: request.reply)
            return
        }
        if request.noWait && request.deadline == 0 && numberPending == 0 && due.isEmpty && delayed.isEmpty {
            // nats-server answers at once when nothing at all is left (before counting waiters).
            output.sendStatus(404, "No Messages", extraHeaders: [], to: request.reply)
            return
        }
        if waiting.count >= config.maxWaiting {
            output.sendStatus(409, "Exceeded MaxWaiting", extraHeaders: [], to: request.reply)
            return
        }
        waiting.append(request)
        dispatch(now: now, output: output)
    }

    /// nats-server's `409` description for a pull request to a push consumer.
    static let pushBasedRefusal = "Consumer is push based"

    /// nats-server's `409` description for a request beyond `max_batch`, `max_expires` or the
    /// consumer's `max_bytes`; nil when it is within them.
    private func limitExceeded(by request: PullRequest) -> String? {
        if config.maxRequestBatch > 0 && request.remaining > config.maxRequestBatch {
            return "Exceeded MaxRequestBatch of \(config.maxRequestBatch)"
        }
        if config.maxRequestExpires > 0 && request.expires > config.maxRequestExpires {
            return "Exceeded MaxRequestExpires of \(GoDuration.text(config.maxRequestExpires))"
        }
        if config.maxRequestMaxBytes > 0 && request.remainingBytes > config.maxRequestMaxBytes {
            return "Exceeded MaxRequestMaxBytes of \(config.maxRequestMaxBytes)"
        }
        return nil
    }

    /// Hands available messages to waiting requests, oldest request first. A request that cannot
    /// take the next message within its `max_bytes` ends with `409 Message Size Exceeds MaxBytes`;
    /// `no_wait` requests that nothing more can fill end with `404 No Messages`.
    func dispatch(now: Int64, output: ConsumerOutput) {
        if push != nil {
            dispatchPush(now: now, output: output)
            return
        }
        while !waiting.isEmpty {
            guard canDeliverMore, let sequence = nextSequenceToDeliver(now: now) else { break }
            let reply = waiting[0].reply
            let delivery = deliver(sequence, byteBudget: waiting[0].remainingBytes, now: now) { message, ackSubject in
                output.deliver(shaped(message), to: reply, ackSubject: ackSubject)
            }
            switch delivery {
            case .sent(let size):
                if waiting[0].remainingBytes > 0 {
                    waiting[0].remainingBytes -= size
                    // nats-server: a request whose byte budget is used up exactly ends with this message.
                    if waiting[0].remainingBytes == 0 { waiting[0].remaining = 1 }
                }
                waiting[0].remaining -= 1
                waiting[0].delivered += 1
                if waiting[0].heartbeat > 0 { waiting[0].nextHeartbeat = now.addingClamped(waiting[0].heartbeat) }
                if waiting[0].remaining == 0 { waiting.removeFirst() }
            case .vanished:
                continue
            case .tooLarge:
                let request = waiting.removeFirst()
                output.sendStatus(
                    409, "Message Size Exceeds MaxBytes", extraHeaders: request.pendingHeaders, to: request.reply)
            }
        }
        if waiting.contains(where: \.endsWhenNothingIsAvailable) {
            for request in waiting where request.endsWhenNothingIsAvailable {
                output.sendStatus(404, "No Messages", extraHeaders: [], to: request.reply)
            }
            waiting.removeAll(where: \.endsWhenNothingIsAvailable)
        }
    }

    var canDeliverMore: Bool {
        config.ackPolicy == .none || config.maxAckPending < 0 || pending.count < config.maxAckPending
    }

    /// The next stream sequence to hand out: a due redelivery first, then what `last_per_subject`
    /// picked at creation, else the next new message.
    func nextSequenceToDeliver(now: Int64) -> UInt64? {
        promoteDelayed(now: now)
        while let sequence = due.first {
            if pending[sequence] != nil && stream.storage.contains(sequence) { return sequence }
            due.removeFirst()
            pending[sequence] = nil
        }
        if lastPerSubjectNext < lastPerSubject.count { return lastPerSubject[lastPerSubjectNext] }
        return stream.storage.nextSequence(after: deliveredStreamSequence, matching: filter)
    }

    /// What became of one attempt to deliver a message.
    enum Delivery {
        /// Sent; `size` counts its subject, ack subject, headers and payload.
        case sent(size: Int)
        /// The message left the stream meanwhile.
        case vanished
        /// It does not fit in `byteBudget`; nothing was delivered.
        case tooLarge
    }

    /// Sends one message through `send` (message, ack subject), unless it vanished from the stream or
    /// exceeds `byteBudget` (a pull request's `max_bytes` left; 0: no limit).
    func deliver(
        _ sequence: UInt64, byteBudget: Int, now: Int64, send: (StreamMessage, String) -> Void
    ) -> Delivery {
        let isRedelivery = pending[sequence] != nil
        let isLastPerSubject =
            !isRedelivery && lastPerSubjectNext < lastPerSubject.count
            && lastPerSubject[lastPerSubjectNext] == sequence
        guard let message = try? stream.storage.message(at: sequence) else {
            if isRedelivery { due.removeFirst() }
            pending[sequence] = nil
            if isLastPerSubject {
                lastPerSubjectNext += 1
            } else if !isRedelivery {
                deliveredStreamSequence = sequence
            }
            return .vanished
        }
        let consumerSequence = deliveredConsumerSequence + 1
        let deliveries = (pending[sequence]?.deliveries ?? 0) + 1
        let pendingAfter = isRedelivery ? numberPending : max(1, numberPending) - 1
        let ackSubject = AckSubject.text(
            prefix: ackSubjectPrefix, deliveries: deliveries, streamSequence: sequence,
            consumerSequence: consumerSequence, timestamp: message.timestamp, pending: pendingAfter)
        let size = message.subject.utf8.count + ackSubject.utf8.count + message.headers.count + message.payload.count
        if byteBudget > 0 && size > byteBudget { return .tooLarge }
        if isRedelivery { due.removeFirst() }
        deliveredConsumerSequence = consumerSequence
        var record =
            pending[sequence] ?? PendingDelivery(consumerSequence: consumerSequence, deliveries: 0, deadline: 0)
        record.deliveries = deliveries
        if isLastPerSubject {
            lastPerSubjectNext += 1
            if lastPerSubjectNext == lastPerSubject.count {
                lastPerSubject = []
                lastPerSubjectNext = 0
            }
        } else if !isRedelivery {
            deliveredStreamSequence = sequence
            undeliveredCount = Int(pendingAfter)
        }
        if config.ackPolicy == .none {
            ackFloorStreamSequence = deliveredStreamSequence
            ackFloorConsumerSequence = deliveredConsumerSequence
        } else {
            record.deadline = now.addingClamped(ackWait(forDelivery: record.deliveries))
            if let lowest = lowestOutstanding, sequence < lowest { lowestOutstanding = sequence }
            pending[sequence] = record
            ackDeadlines.push(deadline: record.deadline, sequence: sequence)
        }
        try? persistence.recordDelivered(
            streamSequence: sequence, consumerSequence: record.consumerSequence,
            deliveries: record.deliveries, timestamp: now)
        send(message, ackSubject)
        lastActive = now
        return .sent(size: size)
    }

    /// The ack wait for the nth delivery: from `backoff` when set, else `ack_wait`.
    func ackWait(forDelivery deliveries: Int) -> Int64 {
        guard let backoff = config.backoff, !backoff.isEmpty else { return config.ackWait }
        // A delivery count of 0 can only come from a damaged progress file: use the first step.
        return backoff[max(0, min(deliveries - 1, backoff.count - 1))]
    }

    // MARK: timers

    /// The earliest wall-clock moment this consumer needs its `tick`: a request expiry or idle
    /// heartbeat, an ack wait ending or a delayed NAK coming due.
    var nextDeadline: Int64? {
        var earliest = ackDeadlines.earliest?.deadline
        if let delay = delayed.earliest?.deadline { earliest = min(earliest ?? delay, delay) }
        for request in waiting {
            for moment in [request.deadline, request.nextHeartbeat] where moment > 0 {
                earliest = min(earliest ?? moment, moment)
            }
        }
        if let moment = pushDeadline { earliest = min(earliest ?? moment, moment) }
        return earliest
    }

    /// Moves ack-wait expiries to the redelivery queue (or gives up after `max_deliver`), sends
    /// idle heartbeats, ends expired pull requests with `408`, and serves what became due.
    func tick(now: Int64, output: ConsumerOutput) {
        while let earliest = ackDeadlines.earliest, earliest.deadline <= now {
            _ = ackDeadlines.pop()
            guard var record = pending[earliest.sequence], record.deadline == earliest.deadline else { continue }
            if config.maxDeliver > 0 && record.deliveries >= config.maxDeliver {
                pending[earliest.sequence] = nil
                exhausted.insert(earliest.sequence)
                output.publishAdvisory(
                    subject: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.\(stream.name).\(name)",
                    json: Advisory.maxDeliveries(
                        stream: stream.name, consumer: name, streamSequence: earliest.sequence,
                        deliveries: record.deliveries, now: now))
                continue
            }
            record.deadline = 0
            pending[earliest.sequence] = record
            due.insert(earliest.sequence)
        }
        sendIdleHeartbeats(now: now, output: output)
        if push != nil { tickPush(now: now, output: output) }
        if waiting.contains(where: { $0.deadline > 0 && $0.deadline <= now }) {
            for request in waiting where request.deadline > 0 && request.deadline <= now {
                output.sendStatus(408, "Request Timeout", extraHeaders: request.pendingHeaders, to: request.reply)
            }
            waiting.removeAll { $0.deadline > 0 && $0.deadline <= now }
        }
        dispatch(now: now, output: output)
    }

    /// `100 Idle Heartbeat` to each request still waiting whose heartbeat is due (and not yet
    /// expired), naming the last consumer and stream sequences delivered, as nats-server does.
    private func sendIdleHeartbeats(now: Int64, output: ConsumerOutput) {
        for index in waiting.indices {
            let request = waiting[index]
            guard request.nextHeartbeat > 0, request.nextHeartbeat <= now else { continue }
            waiting[index].nextHeartbeat = now.addingClamped(request.heartbeat)
            if request.deadline > 0 && request.deadline <= now { continue }
            output.sendStatus(
                100, "Idle Heartbeat",
                extraHeaders: [
                    ("Nats-Last-Consumer", String(deliveredConsumerSequence)),
                    ("Nats-Last-Stream", String(deliveredStreamSequence)),
                ], to: request.reply)
        }
    }

    private func promoteDelayed(now: Int64) {
        while let earliest = delayed.earliest, earliest.deadline <= now {
            _ = delayed.pop()
            if pending[earliest.sequence]?.deadline == earliest.deadline {
                pending[earliest.sequence]?.deadline = 0
                due.insert(earliest.sequence)
            }
        }
    }

    // MARK: acknowledgements

    /// `+ACK`: done with the message (with `ack_policy: all`, with every earlier one too); a work
    /// queue forgets it.
    func acknowledge(_ sequence: UInt64) {
        guard config.ackPolicy == .all else {
            // The common case, once per pulled message: no list of one to build.
            if forget(sequence) { acknowledgementsChanged() }
            return
        }
        var any = false
        for each in pending.keys.filter({ $0 <= sequence }) where forget(each) { any = true }
        if any { acknowledgementsChanged() }
    }

    /// Drops an acknowledged delivery (a work queue drops the message too); false if not pending.
    private func forget(_ sequence: UInt64) -> Bool {
        guard pending.removeValue(forKey: sequence) != nil else { return false }
        try? persistence.recordAcknowledged(streamSequence: sequence)
        if stream.config.retention == .workqueue { _ = try? stream.storage.remove(sequence) }
        return true
    }

    /// `+TERM`: never redeliver; a work queue forgets it too. Publishes nats-server's
    /// `MSG_TERMINATED` advisory, so whoever watches for failed work learns of it.
    func terminate(_ sequence: UInt64, reason: String = "", now: Int64, output: ConsumerOutput) {
        guard let record = pending.removeValue(forKey: sequence) else { return }
        try? persistence.recordTerminated(streamSequence: sequence)
        if stream.config.retention == .workqueue { _ = try? stream.storage.remove(sequence) }
        acknowledgementsChanged()
        output.publishAdvisory(
            subject: "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.\(stream.name).\(name)",
            json: Advisory.terminated(
                stream: stream.name, consumer: name, consumerSequence: record.consumerSequence,
                streamSequence: sequence, deliveries: record.deliveries, reason: reason, now: now))
    }

    /// Moves the ack floor up to just below the oldest message still unacknowledged.
    private func acknowledgementsChanged() {
        pruneDeadlines()
        forgetExhaustedGone()
        let lowest = findLowestOutstanding()
        lowestOutstanding = lowest
        guard let lowest else {
            ackFloorStreamSequence = deliveredStreamSequence
            ackFloorConsumerSequence = deliveredConsumerSequence
            return
        }
        ackFloorStreamSequence = max(ackFloorStreamSequence, lowest - 1)
        if let record = pending[lowest] {
            ackFloorConsumerSequence = max(ackFloorConsumerSequence, max(record.consumerSequence, 1) - 1)
        }
    }

    /// How far above the last known lowest outstanding sequence `findLowestOutstanding` looks before
    /// it scans: acks mostly arrive in delivery order, so the next one is usually the very next.
    private static let lowestOutstandingLookahead: UInt64 = 16

    /// The lowest sequence still pending or given up on (either holds the ack floor down).
    private func findLowestOutstanding() -> UInt64? {
        if let known = lowestOutstanding {
            // Nothing outstanding is below `known`: the first outstanding one from there up is the lowest.
            var candidate = known
            while candidate - known < Self.lowestOutstandingLookahead {
                if pending[candidate] != nil || exhausted.contains(candidate) { return candidate }
                guard candidate < deliveredStreamSequence, candidate < UInt64.max else { break }
                candidate += 1
            }
        }
        var lowest = pending.keys.min()
        if let given = exhausted.min() { lowest = min(lowest ?? given, given) }
        return lowest
    }

    /// The stream stored a message: keep the undelivered count current (a consumer that starts
    /// beyond the stream's end does not count what is stored before its start).
    func noteStored(subject: String, sequence: UInt64) {
        guard undeliveredCount != nil, sequence > deliveredStreamSequence, filter(subject) else { return }
        undeliveredCount! += 1
    }

    /// `-NAK`: redeliver now, or after `delay` nanoseconds.
    func reject(_ sequence: UInt64, delay: Int64, now: Int64) {
        guard var record = pending[sequence], record.deadline != 0 else { return }
        if delay > 0 {
            record.deadline = now.addingClamped(delay)
            pending[sequence] = record
            delayed.push(deadline: record.deadline, sequence: sequence)
        } else {
            record.deadline = 0
            pending[sequence] = record
            due.insert(sequence)
        }
    }

    /// `+WPI`: still working; the ack wait starts again.
    func extend(_ sequence: UInt64, now: Int64) {
        guard var record = pending[sequence], record.deadline != 0 else { return }
        record.deadline = now.addingClamped(ackWait(forDelivery: record.deliveries))
        pending[sequence] = record
        ackDeadlines.push(deadline: record.deadline, sequence: sequence)
    }

    /// Rebuilds the deadline heap from the pending table when acks have left it mostly stale, so
    /// its size follows the number of pending deliveries rather than the number ever delivered.
    private func pruneDeadlines() {
        guard ackDeadlines.count > 2 * pending.count + 4096 else { return }
        ackDeadlines.removeAll()
        for (sequence, record) in pending where record.deadline != 0 {
            ackDeadlines.push(deadline: record.deadline, sequence: sequence)
        }
    }

    // MARK: info

    /// Given-up messages that left the stream no longer hold the floor.
    private func forgetExhaustedGone() {
        guard !exhausted.isEmpty else { return }
        for sequence in exhausted where !stream.storage.contains(sequence) { exhausted.remove(sequence) }
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

    /// Answers every waiting request with `409 Consumer Deleted`.
    func cancelWaiting(output: ConsumerOutput) {
        for request in waiting { output.sendStatus(409, "Consumer Deleted", extraHeaders: [], to: request.reply) }
        waiting.removeAll()
    }
}
