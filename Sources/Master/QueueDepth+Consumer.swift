import Client

extension FleetView.QueueDepth {
    /// A job queue's depth from its consumer's info. The server's counts are hostile numbers: one
    /// beyond `Int` (`num_pending` is unsigned 64-bit) saturates, a negative one counts as none.
    init(capability: String, consumer: ConsumerInfo) {
        self.init(
            capability: capability, pending: Int(clamping: consumer.pending), running: max(0, consumer.ackPending))
    }
}
