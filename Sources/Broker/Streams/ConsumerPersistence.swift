/// What a consumer must remember across restarts: how far it delivered, what it acknowledged, and
/// which deliveries still wait for an ack with how many attempts.
struct ConsumerProgress: Sendable, Equatable {
    var deliveredStreamSequence: UInt64 = 0
    var deliveredConsumerSequence: UInt64 = 0
    var ackFloorStreamSequence: UInt64 = 0
    var ackFloorConsumerSequence: UInt64 = 0
    /// Stream sequence → (consumer sequence of its first delivery, deliveries so far).
    var pending: [UInt64: (consumerSequence: UInt64, deliveries: Int)] = [:]

    static func == (left: ConsumerProgress, right: ConsumerProgress) -> Bool {
        left.deliveredStreamSequence == right.deliveredStreamSequence
            && left.deliveredConsumerSequence == right.deliveredConsumerSequence
            && left.ackFloorStreamSequence == right.ackFloorStreamSequence
            && left.ackFloorConsumerSequence == right.ackFloorConsumerSequence
            && left.pending.count == right.pending.count
            && left.pending.allSatisfy { key, value in
                right.pending[key].map {
                    $0.consumerSequence == value.consumerSequence && $0.deliveries == value.deliveries
                }
                    ?? false
            }
    }
}

/// Records a consumer's progress durably (or not, for memory streams). Records become durable at
/// the next `sync`, which JetStream calls once per batch before answering acks.
protocol ConsumerPersistence: AnyObject {
    func recordDelivered(streamSequence: UInt64, consumerSequence: UInt64, deliveries: Int, timestamp: Int64) throws
    func recordAcknowledged(streamSequence: UInt64) throws
    func recordTerminated(streamSequence: UInt64) throws
    func sync() throws
    /// What was recorded before the last restart.
    var recovered: ConsumerProgress { get }
    func close()
    func destroy() throws
}

/// Keeps nothing: consumers of memory streams.
final class TransientConsumerPersistence: ConsumerPersistence {
    func recordDelivered(streamSequence: UInt64, consumerSequence: UInt64, deliveries: Int, timestamp: Int64) {}
    func recordAcknowledged(streamSequence: UInt64) {}
    func recordTerminated(streamSequence: UInt64) {}
    func sync() {}
    var recovered: ConsumerProgress { ConsumerProgress() }
    func close() {}
    func destroy() {}
}
