/// What each ack kind does to a pending delivery: `+ACK` and `+TERM` end it, `-NAK` makes it due
/// again (now or later), `+WPI` restarts its ack wait.
extension Consumer {
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
}
