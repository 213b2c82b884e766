import Client
import Support

/// Heartbeats and telemetry between the NATS reader thread and the master's decoder threads.
/// The reader only files each message under its subject (a dictionary insert), so it keeps up
/// with what the broker sends; decoding, which costs far more, happens on the decoders. At most
/// one message waits per subject: a newer one from the same node replaces the one not yet
/// decoded and is counted as coalesced, so what waits is bounded by the nodes, never by the rate
/// (and by `capacity`, so a flood of made-up subjects cannot grow it either: past it a message is
/// counted as overflowed and dropped). Messages are filed into shards by subject, one per decoder.
final class FleetInbox: Sendable {
    enum Kind: Sendable {
        case heartbeat, telemetry
    }

    /// What the inbox received, coalesced and dropped since start, counted as the reader files.
    struct Tally: Sendable, Equatable {
        var heartbeats = 0
        var telemetry = 0
        var coalescedHeartbeats = 0
        var coalescedTelemetry = 0
        var overflowed = 0

        static func + (left: Tally, right: Tally) -> Tally {
            Tally(
                heartbeats: left.heartbeats + right.heartbeats, telemetry: left.telemetry + right.telemetry,
                coalescedHeartbeats: left.coalescedHeartbeats + right.coalescedHeartbeats,
                coalescedTelemetry: left.coalescedTelemetry + right.coalescedTelemetry,
                overflowed: left.overflowed + right.overflowed)
        }
    }

    /// What a decoder takes at once: heartbeats first (a new node is listed before its telemetry).
    struct Batch: Sendable {
        var heartbeats: [Message] = []
        var telemetry: [Message] = []
        /// True once `close` was called and this batch holds the last of the shard.
        var closed = false
        var isEmpty: Bool { heartbeats.isEmpty && telemetry.isEmpty }
    }

    let shards: [FleetInboxShard]

    init(shards: Int, capacity: Int) {
        let count = max(1, shards)
        let each = max(1, capacity / count)
        self.shards = (0..<count).map { _ in FleetInboxShard(capacity: each) }
    }

    /// Files a message (called on the reader thread; never blocks for long).
    func put(_ message: Message, kind: Kind) {
        let index = shards.count == 1 ? 0 : Int(UInt(bitPattern: message.subject.hashValue) % UInt(shards.count))
        shards[index].put(message, kind: kind)
    }

    /// Wakes every decoder; each takes what is left and then sees its batch `closed`.
    func close() { for shard in shards { shard.close() } }

    /// Messages waiting in all shards.
    var waiting: Int { shards.reduce(0) { $0 + $1.waiting } }

    /// Counts since start, all shards.
    var tally: Tally { shards.reduce(Tally()) { $0 + $1.tally } }
}

/// One decoder's part of a `FleetInbox`. `@unchecked Sendable`: `lock` guards every field.
final class FleetInboxShard: @unchecked Sendable {
    private let capacity: Int
    private let lock = Lock()
    private let wake: Condition
    private var heartbeats: [String: Message] = [:]
    private var telemetry: [String: Message] = [:]
    private var counted = FleetInbox.Tally()
    private var closed = false

    init(capacity: Int) {
        self.capacity = capacity
        wake = Condition(lock: lock)
    }

    func put(_ message: Message, kind: FleetInbox.Kind) {
        lock.lock()
        defer { lock.unlock() }
        let wasEmpty = heartbeats.isEmpty && telemetry.isEmpty
        switch kind {
        case .heartbeat:
            counted.heartbeats += 1
            if heartbeats.updateValue(message, forKey: message.subject) != nil {
                counted.coalescedHeartbeats += 1
            } else if heartbeats.count + telemetry.count > capacity {
                heartbeats[message.subject] = nil
                counted.overflowed += 1
            }
        case .telemetry:
            counted.telemetry += 1
            if telemetry.updateValue(message, forKey: message.subject) != nil {
                counted.coalescedTelemetry += 1
            } else if heartbeats.count + telemetry.count > capacity {
                telemetry[message.subject] = nil
                counted.overflowed += 1
            }
        }
        if wasEmpty { wake.signal() }
    }

    func close() {
        lock.withLock {
            closed = true
            wake.signal()
        }
    }

    var waiting: Int { lock.withLock { heartbeats.count + telemetry.count } }

    /// Counts since start.
    var tally: FleetInbox.Tally { lock.withLock { counted } }

    /// Everything waiting; waits up to `seconds` for a message
    /// when none waits (and the shard is open).
    func take(waitingUpTo seconds: Double) -> FleetInbox.Batch {
        lock.lock()
        let deadline = Clock.monotonicNanoseconds() + UInt64(seconds * 1e9)
        while !closed && heartbeats.isEmpty && telemetry.isEmpty && Clock.monotonicNanoseconds() < deadline {
            _ = wake.wait(untilMonotonicNanoseconds: deadline)
        }
        let (takenHeartbeats, takenTelemetry, wasClosed) = (heartbeats, telemetry, closed)
        heartbeats = [:]
        telemetry = [:]
        lock.unlock()
        // Copied out of the dictionaries after unlocking: the reader never waits for this.
        return FleetInbox.Batch(
            heartbeats: Array(takenHeartbeats.values), telemetry: Array(takenTelemetry.values), closed: wasClosed)
    }
}
