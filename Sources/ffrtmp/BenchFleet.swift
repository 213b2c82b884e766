import Client
import Net
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `ffrtmp bench fleet`: simulated agents publish heartbeats and telemetry at their periods,
/// spread evenly over each period, multiplexed over a few connections (agent i on connection
/// i mod K, each connection its own thread). With `--master` the master is probed each second
/// (`BenchMasterProbe`); after the last publish the bench waits up to 10 s for the master to
/// take in what was sent.
enum BenchFleet {
    static func run(_ configuration: BenchConfiguration, _ options: BenchFleetOptions) throws -> BenchFleetReport {
        let agents = try (0..<options.agents).map { try BenchFleetAgent(index: $0) }
        var connections: [NATSConnection] = []
        defer { for connection in connections { connection.close() } }
        for index in 0..<options.connections {
            var connectionOptions = configuration.connectionOptions
            connectionOptions.name = "ffrtmp bench fleet \(index + 1)"
            connectionOptions.allowReconnect = false
            connections.append(try NATSConnection.connect(url: configuration.server, options: connectionOptions))
        }
        let probe = try options.master.map { try BenchMasterProbe(address: $0) }
        let counters = BenchFleetCounters()
        let start = Clock.monotonicNanoseconds()
        let probeThread = probe?.run(start: start) { (counters.telemetry, counters.heartbeats) }
        var threads: [pthread_t] = []
        for (index, connection) in connections.enumerated() {
            let mine = stride(from: index, to: agents.count, by: options.connections).map { agents[$0] }
            let lane = BenchFleetLane(
                connection: connection, agents: mine, lane: index, lanes: options.connections, options: options)
            threads.append(SystemThread.start(name: "bench-lane") { lane.publish(from: start, counters) })
        }
        for thread in threads { SystemThread.join(thread) }
        let publishSeconds = Double(Clock.monotonicNanoseconds() - start) / 1e9
        for connection in connections { try? connection.flush(timeout: .seconds(10)) }
        let drainSeconds = probe.flatMap { waitForIngest($0, telemetry: counters.telemetry) }
        if let probe, let probeThread { probe.stop(probeThread) }
        if let failure = counters.failure { throw BenchError("publishing failed: \(failure)") }
        return BenchFleetReport(
            options: options, server: configuration.server, publishSeconds: publishSeconds,
            publishedTelemetry: counters.telemetry, publishedHeartbeats: counters.heartbeats,
            drainSeconds: drainSeconds, nodes: probe?.nodes ?? [], ingest: probe?.ingest ?? [],
            probeErrors: probe?.errors ?? [])
    }

    /// Seconds after the last publish until the master had counted every telemetry sample; nil
    /// when it had not after 10 s.
    private static func waitForIngest(_ probe: BenchMasterProbe, telemetry: Int) -> Double? {
        let stopped = Clock.monotonicNanoseconds()
        while Clock.monotonicNanoseconds() - stopped < 10_000_000_000 {
            if let ingest = probe.currentIngest(), ingest.telemetry >= Double(telemetry) {
                return Double(Clock.monotonicNanoseconds() - stopped) / 1e9
            }
            Clock.sleep(seconds: 0.1)
        }
        return nil
    }
}

/// What the lanes have published so far, read by the probe. Thread-safe.
final class BenchFleetCounters: Sendable {
    private let telemetryCount = Atomic<Int>(0)
    private let heartbeatCount = Atomic<Int>(0)
    private let firstFailure = Mutex<String?>(nil)

    var telemetry: Int { telemetryCount.load(ordering: .relaxed) }
    var heartbeats: Int { heartbeatCount.load(ordering: .relaxed) }
    var failure: String? { firstFailure.withLock { $0 } }

    func published(telemetry: Int, heartbeats: Int) {
        if telemetry > 0 { telemetryCount.add(telemetry, ordering: .relaxed) }
        if heartbeats > 0 { heartbeatCount.add(heartbeats, ordering: .relaxed) }
    }

    func failed(_ reason: String) { firstFailure.withLock { if $0 == nil { $0 = reason } } }
}

/// One connection's share of the agents and its publishing loop: every 5 ms it sends whatever
/// messages have come due, agent by agent in turn, so each agent's messages keep their period
/// and the lane's messages are spread evenly over it. Lanes are shifted from one another by a
/// fraction of a slot.
struct BenchFleetLane: Sendable {
    let connection: NATSConnection
    let agents: [BenchFleetAgent]
    let lane: Int
    let lanes: Int
    let options: BenchFleetOptions

    func publish(from start: UInt64, _ counters: BenchFleetCounters) {
        var telemetrySent: Int64 = 0
        var heartbeatsSent: Int64 = 0
        let count = Int64(agents.count)
        while counters.failure == nil {
            let elapsed = Int64(Clock.monotonicNanoseconds() - start)
            guard elapsed < options.duration else { break }
            let telemetryDue = due(elapsed, count, options.telemetryInterval)
            let heartbeatsDue = due(elapsed, count, options.heartbeatInterval)
            let wall = Timestamp.nowNanoseconds()
            let monotonic = Int64(Clock.monotonicNanoseconds())
            // Counted first, so the probe never sees the master ahead of the bench.
            counters.published(
                telemetry: Int(max(0, telemetryDue - telemetrySent)),
                heartbeats: Int(max(0, heartbeatsDue - heartbeatsSent)))
            do {
                for sequence in telemetrySent..<max(telemetrySent, telemetryDue) {
                    let agent = agents[Int(sequence % count)]
                    try connection.publish(
                        agent.telemetrySubject, payload: agent.telemetryPayload(sentAt: wall, monotonic: monotonic))
                }
                for sequence in heartbeatsSent..<max(heartbeatsSent, heartbeatsDue) {
                    let agent = agents[Int(sequence % count)]
                    try connection.publish(agent.heartbeatSubject, payload: agent.heartbeatPayload(sentAt: wall))
                }
            } catch {
                counters.failed("\(error)")
                return
            }
            telemetrySent = max(telemetrySent, telemetryDue)
            heartbeatsSent = max(heartbeatsSent, heartbeatsDue)
            Clock.sleep(seconds: 0.005)
        }
    }

    /// Messages due by `elapsed` ns when `count` agents each send one per `interval`, shifted
    /// by `lane / lanes` of a slot so the lanes interleave.
    private func due(_ elapsed: Int64, _ count: Int64, _ interval: Int64) -> Int64 {
        (elapsed * count + Int64(lane) * interval / Int64(lanes)) / interval
    }
}
