import Net
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Takes heartbeats and telemetry off the NATS reader thread and writes them to the store from
/// its own thread, in batches: one transaction every `interval`, or as soon as `batchLimit`
/// records wait. `submit` never blocks: once `capacity` records wait it refuses the record (the
/// caller counts it as dropped; the live view has it anyway). `stop` writes everything submitted
/// before it, plus each node's latest heartbeat, so nothing is lost on a clean stop.
///
/// `@unchecked Sendable`: `lock` guards `pending`, `stopping` and `thread`; `sampling` belongs to
/// the writer thread.
final class StoreWriter: @unchecked Sendable {
    let capacity: Int
    let batchLimit: Int
    let interval: UInt64
    private let store: MasterStore
    private let logger: Logger
    /// Called with the number of records a failed transaction lost.
    private let onFailure: @Sendable (Int) -> Void
    private let lock = Lock()
    private let wake: Condition
    private var pending: [FleetRecord] = []
    private var stopping = false
    private var thread: pthread_t?
    private var sampling: FleetSampling

    init(
        store: MasterStore, sampling: FleetSampling, capacity: Int, interval: Double, batchLimit: Int = 5000,
        logger: Logger, onFailure: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.store = store
        self.sampling = sampling
        self.capacity = max(1, capacity)
        self.batchLimit = max(1, min(batchLimit, capacity))
        self.interval = UInt64(max(0.001, interval) * 1e9)
        self.logger = logger
        self.onFailure = onFailure
        wake = Condition(lock: lock)
    }

    /// Queues a record; false when `capacity` records wait already (or the writer stopped).
    func submit(_ record: FleetRecord) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopping, pending.count < capacity else { return false }
        pending.append(record)
        if pending.count == batchLimit { wake.signal() }
        return true
    }

    /// Records waiting to be written.
    var queued: Int { lock.withLock { pending.count } }

    func start() {
        lock.withLock {
            guard thread == nil, !stopping else { return }
            thread = SystemThread.start(name: "store-writer") { [self] in run() }
        }
    }

    /// Writes what waits, then stops the thread; later `submit`s are refused. Without a started
    /// thread, writes on the caller's.
    func stop() {
        let running: pthread_t? = lock.withLock {
            stopping = true
            wake.signal()
            return thread
        }
        if let running { SystemThread.join(running) } else { run() }
    }

    private func run() {
        while true {
            let (records, last) = nextRecords()
            var start = 0
            repeat {
                var batch = FleetBatch()
                let end = min(records.count, start + batchLimit)
                for record in records[start..<end] { sampling.add(record, to: &batch) }
                if last && end == records.count { sampling.flush(into: &batch) }
                write(batch)
                start = end
            } while start < records.count
            if last { return }
        }
    }

    /// Waits until `interval` passed, `batchLimit` records wait or `stop` was called; takes them all.
    private func nextRecords() -> (records: [FleetRecord], last: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Clock.monotonicNanoseconds() + interval
        while !stopping && pending.count < batchLimit && Clock.monotonicNanoseconds() < deadline {
            wake.wait(untilMonotonicNanoseconds: deadline)
        }
        let records = pending
        pending = []
        pending.reserveCapacity(min(capacity, records.count))
        return (records, stopping)
    }

    private func write(_ batch: FleetBatch) {
        do {
            try store.record(batch)
        } catch {
            onFailure(batch.count)
            logger.warning("could not store heartbeats and telemetry", ["records": batch.count, "error": "\(error)"])
        }
    }
}
