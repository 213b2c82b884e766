/// The records of a consumer log (layout in `RecordFormat`).
enum ConsumerRecord: Equatable {
    case snapshot(config: [UInt8], delivered: SequencePair, pending: [(UInt64, PendingDelivery)])
    case config([UInt8])
    case delivered(streamSequence: UInt64, consumerSequence: UInt64, deliveryCount: UInt64, timestamp: Int64)
    case acked(streamSequence: UInt64)
    case terminated(streamSequence: UInt64)

    static let snapshotType: UInt8 = 1
    static let configType: UInt8 = 2
    static let deliveredType: UInt8 = 3
    static let ackedType: UInt8 = 4
    static let terminatedType: UInt8 = 5
    /// Bytes of one pending entry in a snapshot.
    static let pendingEntryBytes = 32

    static func == (left: ConsumerRecord, right: ConsumerRecord) -> Bool {
        switch (left, right) {
        case (.snapshot(let a, let b, let c), .snapshot(let x, let y, let z)):
            return a == x && b == y && c.map(\.0) == z.map(\.0) && c.map(\.1) == z.map(\.1)
        case (.config(let a), .config(let x)): return a == x
        case (.delivered(let a, let b, let c, let d), .delivered(let w, let x, let y, let z)):
            return a == w && b == x && c == y && d == z
        case (.acked(let a), .acked(let x)): return a == x
        case (.terminated(let a), .terminated(let x)): return a == x
        default: return false
        }
    }

    /// Size of the snapshot record of `state`, frame included.
    static func snapshotRecordBytes(of state: ConsumerState) -> Int {
        RecordFormat.frameBytes + 1 + 4 + state.config.count + 16 + 4 + pendingEntryBytes * state.pending.count
    }

    /// Appends this record, framed, to `buffer`.
    func append(to buffer: inout [UInt8]) {
        let start = RecordFormat.beginRecord(in: &buffer)
        switch self {
        case .snapshot(let config, let delivered, let pending):
            buffer.append(ConsumerRecord.snapshotType)
            buffer.appendLittleEndian(UInt32(config.count))
            buffer.append(contentsOf: config)
            buffer.appendLittleEndian(delivered.consumer)
            buffer.appendLittleEndian(delivered.stream)
            buffer.appendLittleEndian(UInt32(pending.count))
            for (streamSequence, delivery) in pending {
                buffer.appendLittleEndian(streamSequence)
                buffer.appendLittleEndian(delivery.consumerSequence)
                buffer.appendLittleEndian(delivery.deliveryCount)
                buffer.appendLittleEndian(delivery.timestamp)
            }
        case .config(let config):
            buffer.append(ConsumerRecord.configType)
            buffer.append(contentsOf: config)
        case .delivered(let streamSequence, let consumerSequence, let deliveryCount, let timestamp):
            buffer.append(ConsumerRecord.deliveredType)
            buffer.appendLittleEndian(streamSequence)
            buffer.appendLittleEndian(consumerSequence)
            buffer.appendLittleEndian(deliveryCount)
            buffer.appendLittleEndian(timestamp)
        case .acked(let streamSequence):
            buffer.append(ConsumerRecord.ackedType)
            buffer.appendLittleEndian(streamSequence)
        case .terminated(let streamSequence):
            buffer.append(ConsumerRecord.terminatedType)
            buffer.appendLittleEndian(streamSequence)
        }
        RecordFormat.finishRecord(in: &buffer, start: start)
    }

    /// Decodes a body whose checksum holds; nil when it makes no sense.
    static func decode(_ body: UnsafeRawBufferPointer) -> ConsumerRecord? {
        var reader = ByteReader(body)
        guard let type = reader.read(UInt8.self) else { return nil }
        switch type {
        case snapshotType:
            guard let configLength = reader.read(UInt32.self), let config = reader.slice(Int(configLength)),
                let deliveredConsumer = reader.read(UInt64.self), let deliveredStream = reader.read(UInt64.self),
                let count = reader.read(UInt32.self), reader.remaining == Int(count) * pendingEntryBytes
            else { return nil }
            var pending: [(UInt64, PendingDelivery)] = []
            pending.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let stream = reader.read(UInt64.self), let consumer = reader.read(UInt64.self),
                    let deliveries = reader.read(UInt64.self), let timestamp = reader.read(Int64.self)
                else { return nil }
                let delivery = PendingDelivery(
                    consumerSequence: consumer, deliveryCount: deliveries, timestamp: timestamp)
                pending.append((stream, delivery))
            }
            return .snapshot(
                config: Array(config), delivered: SequencePair(consumer: deliveredConsumer, stream: deliveredStream),
                pending: pending)
        case configType:
            return .config(Array(reader.rest()))
        case deliveredType:
            guard let stream = reader.read(UInt64.self), let consumer = reader.read(UInt64.self),
                let deliveries = reader.read(UInt64.self), let timestamp = reader.read(Int64.self),
                reader.remaining == 0
            else { return nil }
            return .delivered(
                streamSequence: stream, consumerSequence: consumer, deliveryCount: deliveries, timestamp: timestamp)
        case ackedType, terminatedType:
            guard let stream = reader.read(UInt64.self), reader.remaining == 0 else { return nil }
            return type == ackedType ? .acked(streamSequence: stream) : .terminated(streamSequence: stream)
        default:
            return nil
        }
    }

    /// Applies this record to `state`.
    func apply(to state: inout ConsumerState) {
        switch self {
        case .snapshot(let config, let delivered, let pending):
            state.replace(
                config: config, delivered: delivered,
                pending: Dictionary(pending, uniquingKeysWith: { _, last in last }))
        case .config(let config):
            state.config = config
        case .delivered(let streamSequence, let consumerSequence, let deliveryCount, let timestamp):
            state.applyDelivered(
                streamSequence: streamSequence, consumerSequence: consumerSequence, deliveryCount: deliveryCount,
                timestamp: timestamp)
        case .acked(let streamSequence), .terminated(let streamSequence):
            _ = state.applyAcked(streamSequence: streamSequence)
        }
    }
}
