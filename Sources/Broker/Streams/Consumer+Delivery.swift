/// Handing out one message: which sequence is next (a due redelivery, a `last_per_subject` pick,
/// or the next new message), its ack subject, its pending record and ack wait, and its size
/// against a pull request's byte budget.
extension Consumer {
    /// Whether `max_ack_pending` leaves room for another delivery.
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
}
