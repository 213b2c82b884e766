/// A consumer sequence and the stream sequence it delivered.
public struct SequencePair: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var consumer: UInt64
    public var stream: UInt64

    public init(consumer: UInt64, stream: UInt64) {
        self.consumer = consumer
        self.stream = stream
    }

    public var description: String { "(consumer \(consumer), stream \(stream))" }
}

/// A message delivered to a consumer and not acknowledged yet.
public struct PendingDelivery: Equatable, Sendable {
    /// The consumer sequence of its latest delivery.
    public var consumerSequence: UInt64
    /// How many times it was delivered (1 on the first delivery).
    public var deliveryCount: UInt64
    /// When it was last delivered (ns since the Unix epoch), for ack_wait.
    public var timestamp: Int64

    public init(consumerSequence: UInt64, deliveryCount: UInt64, timestamp: Int64) {
        self.consumerSequence = consumerSequence
        self.deliveryCount = deliveryCount
        self.timestamp = timestamp
    }
}

/// The state of one JetStream pull consumer, as its log rebuilds it.
///
/// `pending` holds every delivered, unacknowledged stream sequence. Messages acknowledged above the ack
/// floor are simply absent from it, so "acked above the floor" needs no set of its own: a stream
/// sequence above the floor is done exactly when it was delivered (≤ `delivered.stream`) and is not
/// pending. The ack floor is derived: with nothing pending it equals `delivered`; otherwise it sits just
/// below the oldest pending stream sequence, and its consumer half just below the consumer sequence of
/// that message's latest delivery (as nats-server reports it; after a redelivery of the oldest message
/// other pending messages may have smaller consumer sequences).
public struct ConsumerState: Sendable {
    /// The opaque configuration the broker stored (for example JSON).
    public internal(set) var config: [UInt8] = []
    /// The highest consumer and stream sequences delivered so far.
    public internal(set) var delivered = SequencePair(consumer: 0, stream: 0)
    /// Everything at or below it is acknowledged, terminated, or was never meant for this consumer.
    public internal(set) var ackFloor = SequencePair(consumer: 0, stream: 0)
    /// Delivered but unacknowledged messages by stream sequence.
    public internal(set) var pending: [UInt64: PendingDelivery] = [:]
    /// Pending stream sequences in increasing order, with acknowledged ones removed lazily from the front.
    private var order: [UInt64] = []
    private var orderHead = 0

    public init() {}

    /// Applies a delivery (first or repeated) of `streamSequence`.
    mutating func applyDelivered(
        streamSequence: UInt64, consumerSequence: UInt64, deliveryCount: UInt64, timestamp: Int64
    ) {
        delivered.consumer = max(delivered.consumer, consumerSequence)
        delivered.stream = max(delivered.stream, streamSequence)
        if streamSequence > ackFloor.stream {
            if pending[streamSequence] == nil { insertOrdered(streamSequence) }
            pending[streamSequence] = PendingDelivery(
                consumerSequence: consumerSequence, deliveryCount: deliveryCount, timestamp: timestamp)
        }
        updateAckFloor()
    }

    /// Applies an acknowledgement (or termination); false when the sequence was not pending.
    mutating func applyAcked(streamSequence: UInt64) -> Bool {
        guard pending.removeValue(forKey: streamSequence) != nil else { return false }
        updateAckFloor()
        return true
    }

    /// Replaces the whole state (a snapshot record).
    mutating func replace(config: [UInt8], delivered: SequencePair, pending: [UInt64: PendingDelivery]) {
        self = ConsumerState()
        self.config = config
        self.delivered = delivered
        self.pending = pending
        order = pending.keys.sorted()
        updateAckFloor()
    }

    /// Pending entries in stream order (for snapshots and redelivery scans).
    public var pendingInOrder: [(streamSequence: UInt64, delivery: PendingDelivery)] {
        pending.keys.sorted().map { ($0, pending[$0]!) }
    }

    private mutating func insertOrdered(_ sequence: UInt64) {
        if orderHead == order.count || sequence > order[order.count - 1] {
            order.append(sequence)
            return
        }
        var low = orderHead
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < sequence { low = middle + 1 } else { high = middle }
        }
        order.insert(sequence, at: low)
    }

    private mutating func updateAckFloor() {
        while orderHead < order.count, pending[order[orderHead]] == nil { orderHead += 1 }
        if orderHead > 1024, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
        if orderHead == order.count {
            ackFloor = delivered
        } else {
            let oldest = order[orderHead]
            // Saturating: a log may hold sequence 0, and no file content may crash the store.
            let consumer = pending[oldest]!.consumerSequence
            ackFloor = SequencePair(consumer: consumer == 0 ? 0 : consumer - 1, stream: oldest == 0 ? 0 : oldest - 1)
        }
    }
}

extension ConsumerState: Equatable {
    public static func == (left: ConsumerState, right: ConsumerState) -> Bool {
        left.config == right.config && left.delivered == right.delivered && left.ackFloor == right.ackFloor
            && left.pending == right.pending
    }
}
