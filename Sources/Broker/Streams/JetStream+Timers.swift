import Support

/// The JetStream loop's timer: what `tick` does when it fires, and when it must fire next.
extension JetStream {
    /// Ack-wait expiries, request timeouts, `max_age`, idle ephemeral consumers.
    func tick() {
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
    func nextDeadline() -> UInt64? {
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
}
