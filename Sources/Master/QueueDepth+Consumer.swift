import Client

extension FleetView.QueueDepth {
    /// A job queue's depth from its consumer's info. The server's counts are hostile numbers: one
    /// beyond `Int` (`num_pending` is unsigned 64-bit) saturates, a negative one counts as none.
    init(capability: String, consumer: ConsumerInfo) {
        self.init(
            capability: capability, pending: Int(clamping: consumer.pending), running: max(0, consumer.ackPending))
    }
}

/// The sum of non-negative counts, saturating at `Int.max` instead of trapping: queue depths summed
/// over a capability's priority classes come from the server and may be as large as it likes.
func saturatingSum(_ counts: [Int]) -> Int {
    counts.reduce(0) { total, count in
        let (sum, overflow) = total.addingReportingOverflow(count)
        return overflow ? .max : sum
    }
}
