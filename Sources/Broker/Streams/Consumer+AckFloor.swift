/// The ack floor: everything up to it is acknowledged. It moves when acks arrive, to just below the
/// lowest sequence still pending or given up on, found by looking a little above the last one known
/// before scanning every pending delivery.
extension Consumer {
    /// Moves the ack floor up to just below the oldest message still unacknowledged.
    func acknowledgementsChanged() {
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

    /// Given-up messages that left the stream no longer hold the floor.
    private func forgetExhaustedGone() {
        guard !exhausted.isEmpty else { return }
        for sequence in exhausted where !stream.storage.contains(sequence) { exhausted.remove(sequence) }
    }
}
