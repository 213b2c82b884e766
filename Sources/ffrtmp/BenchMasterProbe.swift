import HTTP
import Net
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches a master while `ffrtmp bench fleet` runs: once a second it GETs `/api/nodes` (latency,
/// nodes listed, nodes shown offline) and `/metrics` (the master's ingest counters), next to what
/// the bench had published by then.
final class BenchMasterProbe: Sendable {
    /// One `/api/nodes` answer.
    struct NodesSample: Sendable {
        /// Seconds since the bench started publishing.
        var at: Double
        var milliseconds: Double
        var status: Int
        var bytes: Int
        var nodes: Int
        var offline: Int
    }

    /// One `/metrics` reading, with the bench's own count at the moment it was asked.
    struct IngestSample: Sendable {
        var at: Double
        var milliseconds: Double
        /// The master's `ffrtmp_master_messages_total` for telemetry and heartbeats, since the bench began.
        var telemetry: Double
        var heartbeats: Double
        /// Store writes the master dropped (its queue was full), when it reports them.
        var dropped: Double
        var publishedTelemetry: Int
        var publishedHeartbeats: Int
    }

    private struct State {
        var nodes: [NodesSample] = []
        var ingest: [IngestSample] = []
        var errors: [String] = []
    }

    let address: HTTPAddress
    private let state = Mutex(State())
    private let running = Atomic<Bool>(true)
    /// The master's counters before the bench started (it may have run before).
    private let baseline: (telemetry: Double, heartbeats: Double, dropped: Double)

    init(address: HTTPAddress) throws {
        self.address = address
        let body = try BenchHTTP.get(address, "/metrics").body
        baseline = Self.counters(body)
    }

    var nodes: [NodesSample] { state.withLock { $0.nodes } }
    var ingest: [IngestSample] { state.withLock { $0.ingest } }
    var errors: [String] { state.withLock { $0.errors } }

    /// Polls once a second from `start` (monotonic ns) until `stop`; `published` reads the bench's counts.
    func run(start: UInt64, published: @escaping @Sendable () -> (telemetry: Int, heartbeats: Int)) -> pthread_t {
        SystemThread.start(name: "bench-probe") { [self] in
            var tick: UInt64 = 1
            while running.load(ordering: .relaxed) {
                let due = start + tick * 1_000_000_000
                while Clock.monotonicNanoseconds() < due && running.load(ordering: .relaxed) {
                    Clock.sleep(seconds: 0.01)
                }
                guard running.load(ordering: .relaxed) else { break }
                tick = max(tick + 1, (Clock.monotonicNanoseconds() - start) / 1_000_000_000 + 1)
                poll(start: start, published: published)
            }
        }
    }

    func stop(_ thread: pthread_t) {
        running.store(false, ordering: .relaxed)
        SystemThread.join(thread)
    }

    /// The master's ingest counters since the bench began, asked now.
    func currentIngest() -> (telemetry: Double, heartbeats: Double)? {
        guard let body = try? BenchHTTP.get(address, "/metrics").body else { return nil }
        let counters = Self.counters(body)
        return (counters.telemetry - baseline.telemetry, counters.heartbeats - baseline.heartbeats)
    }

    private func poll(start: UInt64, published: () -> (telemetry: Int, heartbeats: Int)) {
        let seconds = { (since: UInt64) in Double(since - start) / 1e9 }
        do {
            let sent = Clock.monotonicNanoseconds()
            let response = try BenchHTTP.get(address, "/api/nodes")
            let done = Clock.monotonicNanoseconds()
            let sample = NodesSample(
                at: seconds(sent), milliseconds: Double(done - sent) / 1e6, status: response.status,
                bytes: response.body.count, nodes: BenchBytes.count(of: Self.nodeMark, in: response.body),
                offline: BenchBytes.count(of: Self.offlineMark, in: response.body))
            state.withLock { $0.nodes.append(sample) }
        } catch {
            state.withLock { $0.errors.append("/api/nodes: \(error)") }
        }
        do {
            // The master reads its counters at some moment of the request: compare with the
            // bench's counts midway.
            let before = published()
            let sent = Clock.monotonicNanoseconds()
            let body = try BenchHTTP.get(address, "/metrics").body
            let done = Clock.monotonicNanoseconds()
            let after = published()
            let published = ((before.telemetry + after.telemetry) / 2, (before.heartbeats + after.heartbeats) / 2)
            let counters = Self.counters(body)
            let sample = IngestSample(
                at: seconds(sent), milliseconds: Double(done - sent) / 1e6,
                telemetry: counters.telemetry - baseline.telemetry,
                heartbeats: counters.heartbeats - baseline.heartbeats, dropped: counters.dropped - baseline.dropped,
                publishedTelemetry: published.0, publishedHeartbeats: published.1)
            state.withLock { $0.ingest.append(sample) }
        } catch {
            state.withLock { $0.errors.append("/metrics: \(error)") }
        }
    }

    /// Each node of `/api/nodes` starts with its id; the heartbeat and telemetry inside do not.
    private static let nodeMark = Array(#"{"node_id":"#.utf8)
    private static let offlineMark = Array(#""status":"offline""#.utf8)

    /// Sample lines, found from their line start (a `# HELP` line names the metric too).
    private static func counters(_ body: [UInt8]) -> (telemetry: Double, heartbeats: Double, dropped: Double) {
        (
            BenchBytes.number(after: "\n" + #"ffrtmp_master_messages_total{kind="telemetry"} "#, in: body) ?? 0,
            BenchBytes.number(after: "\n" + #"ffrtmp_master_messages_total{kind="heartbeat"} "#, in: body) ?? 0,
            BenchBytes.number(after: "\n" + #"ffrtmp_master_store_dropped_total "#, in: body) ?? 0
        )
    }
}
