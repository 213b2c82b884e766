import HTTP
import Net
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches a master while `ffrtmp bench fleet` runs: once a second it GETs a page of `/api/nodes`
/// (latency, nodes listed in all) and `/api/fleet` (latency, nodes offline, the master's ingest
/// counters), next to what the bench had published by then.
final class BenchMasterProbe: Sendable {
    /// `/api/nodes` as the probe asks for it: the first page, the size a dashboard or console asks.
    static let nodesPath = "/api/nodes?limit=500"

    /// One `/api/nodes` page answer.
    struct NodesSample: Sendable {
        /// Seconds since the bench started publishing.
        var at: Double
        var milliseconds: Double
        var status: Int
        var bytes: Int
        /// Nodes listed in all (`total`).
        var nodes: Int
    }

    /// One `/api/fleet` reading, with the bench's own count at the moment it was asked.
    struct IngestSample: Sendable {
        var at: Double
        var milliseconds: Double
        /// Telemetry and heartbeats the master took in (received off its socket) since the bench
        /// began: decoded since, coalesced (replaced by a newer message of the same node before
        /// decoding) or still waiting for a decoder (at most one per node).
        var telemetry: Double
        var heartbeats: Double
        /// Of `telemetry`, those coalesced.
        var coalescedTelemetry: Double
        /// Of `telemetry`, those decoded.
        var decodedTelemetry: Double
        /// Nodes the master shows offline.
        var offline: Int
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
    private let baseline: Counters

    init(address: HTTPAddress) throws {
        self.address = address
        let body = try BenchHTTP.get(address, "/api/fleet").body
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
        guard let body = try? BenchHTTP.get(address, "/api/fleet").body else { return nil }
        let counters = Self.counters(body)
        return (counters.telemetry - baseline.telemetry, counters.heartbeats - baseline.heartbeats)
    }

    private func poll(start: UInt64, published: () -> (telemetry: Int, heartbeats: Int)) {
        let seconds = { (since: UInt64) in Double(since - start) / 1e9 }
        do {
            let sent = Clock.monotonicNanoseconds()
            let response = try BenchHTTP.get(address, Self.nodesPath)
            let done = Clock.monotonicNanoseconds()
            let sample = NodesSample(
                at: seconds(sent), milliseconds: Double(done - sent) / 1e6, status: response.status,
                bytes: response.body.count, nodes: Int(BenchBytes.number(after: #""total":"#, in: response.body) ?? 0))
            state.withLock { $0.nodes.append(sample) }
        } catch {
            state.withLock { $0.errors.append("/api/nodes: \(error)") }
        }
        do {
            // The master reads its counters at some moment of the request: compare with the
            // bench's counts midway.
            let before = published()
            let sent = Clock.monotonicNanoseconds()
            let body = try BenchHTTP.get(address, "/api/fleet").body
            let done = Clock.monotonicNanoseconds()
            let after = published()
            let published = ((before.telemetry + after.telemetry) / 2, (before.heartbeats + after.heartbeats) / 2)
            let counters = Self.counters(body)
            let sample = IngestSample(
                at: seconds(sent), milliseconds: Double(done - sent) / 1e6,
                telemetry: counters.telemetry - baseline.telemetry,
                heartbeats: counters.heartbeats - baseline.heartbeats,
                coalescedTelemetry: counters.coalescedTelemetry - baseline.coalescedTelemetry,
                decodedTelemetry: counters.decodedTelemetry - baseline.decodedTelemetry,
                offline: Int(BenchBytes.number(after: #""offline":"#, in: body) ?? 0),
                dropped: counters.dropped - baseline.dropped, publishedTelemetry: published.0,
                publishedHeartbeats: published.1)
            state.withLock { $0.ingest.append(sample) }
        } catch {
            state.withLock { $0.errors.append("/api/fleet: \(error)") }
        }
    }

    /// The master's ingest counters in an `/api/fleet` answer.
    private struct Counters {
        var telemetry: Double
        var heartbeats: Double
        var coalescedTelemetry: Double
        var decodedTelemetry: Double
        var dropped: Double
    }

    private static func counters(_ body: [UInt8]) -> Counters {
        let figure = { (name: String) in BenchBytes.number(after: "\"" + name + "\":", in: body) ?? 0 }
        return Counters(
            telemetry: figure("telemetry_received"), heartbeats: figure("heartbeats_received"),
            coalescedTelemetry: figure("telemetry_coalesced"), decodedTelemetry: figure("telemetry_decoded"),
            dropped: figure("store_dropped"))
    }
}
