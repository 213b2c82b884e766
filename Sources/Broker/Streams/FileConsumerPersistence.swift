import Store

/// A durable consumer's progress kept in the file store's consumer log.
final class FileConsumerPersistence: ConsumerPersistence {
    private let store: ConsumerStateStore

    init(store: ConsumerStateStore) { self.store = store }

    func recordDelivered(streamSequence: UInt64, consumerSequence: UInt64, deliveries: Int, timestamp: Int64) throws {
        try store.recordDelivered(
            streamSequence: streamSequence, consumerSequence: consumerSequence,
            deliveryCount: UInt64(deliveries), timestamp: timestamp)
    }

    func recordAcknowledged(streamSequence: UInt64) throws { try store.recordAcked(streamSequence: streamSequence) }

    func recordTerminated(streamSequence: UInt64) throws { try store.recordTerminated(streamSequence: streamSequence) }

    func sync() throws { try store.sync() }

    var recovered: ConsumerProgress {
        let state = store.state
        var progress = ConsumerProgress(
            deliveredStreamSequence: state.delivered.stream, deliveredConsumerSequence: state.delivered.consumer,
            ackFloorStreamSequence: state.ackFloor.stream, ackFloorConsumerSequence: state.ackFloor.consumer)
        for (sequence, record) in state.pending {
            progress.pending[sequence] = (record.consumerSequence, Int(clamping: record.deliveryCount))
        }
        return progress
    }

    func close() { try? store.close() }

    func destroy() throws { try store.destroy() }
}
