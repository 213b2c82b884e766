/// The consumer's timers: ack waits that end (redelivery, or giving up after `max_deliver`),
/// delayed NAKs coming due, and the pull and push timers that `tick` serves.
extension Consumer {
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
        endExpiredRequests(now: now, output: output)
        dispatch(now: now, output: output)
    }

    /// Moves delayed NAKs whose delay has passed to the redelivery queue.
    func promoteDelayed(now: Int64) {
        while let earliest = delayed.earliest, earliest.deadline <= now {
            _ = delayed.pop()
            if pending[earliest.sequence]?.deadline == earliest.deadline {
                pending[earliest.sequence]?.deadline = 0
                due.insert(earliest.sequence)
            }
        }
    }

    /// Rebuilds the deadline heap from the pending table when acks have left it mostly stale, so
    /// its size follows the number of pending deliveries rather than the number ever delivered.
    func pruneDeadlines() {
        guard ackDeadlines.count > 2 * pending.count + 4096 else { return }
        ackDeadlines.removeAll()
        for (sequence, record) in pending where record.deadline != 0 {
            ackDeadlines.push(deadline: record.deadline, sequence: sequence)
        }
    }
}
