import Client

/// What `ffrtmp bench fleet` measured: offered and achieved publish rates and, with a master,
/// its ingest rate and backlog over time (the first and last 10 s show whether lag grows),
/// `/api/nodes` page and `/api/fleet` latency and the nodes listed.
struct BenchFleetReport {
    let options: BenchFleetOptions
    let server: String
    let publishSeconds: Double
    let publishedTelemetry: Int
    let publishedHeartbeats: Int
    /// Seconds after the last publish until the master had counted it all; nil: not within 10 s.
    let drainSeconds: Double?
    let nodes: [BenchMasterProbe.NodesSample]
    let ingest: [BenchMasterProbe.IngestSample]
    let probeErrors: [String]

    /// Rates over one stretch of the run, from the probe's readings at its ends.
    struct Window {
        var from: Double
        var to: Double
        var publishedPerSecond: Double
        var ingestedPerSecond: Double
        /// Published minus taken in (telemetry), averaged over the readings in the stretch.
        var meanBacklog: Double
    }

    var offeredPerSecond: Double { options.offeredTelemetryPerSecond + options.offeredHeartbeatsPerSecond }
    var achievedPerSecond: Double { Double(publishedTelemetry + publishedHeartbeats) / publishSeconds }

    /// The readings taken while the bench published.
    private var duringRun: [BenchMasterProbe.IngestSample] { ingest.filter { $0.at <= publishSeconds } }

    /// Telemetry rates between the readings in `range` seconds.
    func window(_ range: ClosedRange<Double>) -> Window? {
        let readings = duringRun.filter { range.contains($0.at) }
        guard let first = readings.first, let last = readings.last, last.at > first.at else { return nil }
        let span = last.at - first.at
        let backlog = readings.reduce(0.0) { $0 + Double($1.publishedTelemetry) - $1.telemetry }
        return Window(
            from: first.at, to: last.at,
            publishedPerSecond: Double(last.publishedTelemetry - first.publishedTelemetry) / span,
            ingestedPerSecond: (last.telemetry - first.telemetry) / span,
            meanBacklog: backlog / Double(readings.count))
    }

    var firstWindow: Window? { window(0...10.5) }
    var lastWindow: Window? {
        let end = duringRun.last?.at ?? 0
        return window(max(0, end - 10)...end)
    }

    var maxBacklog: Double { duringRun.map { Double($0.publishedTelemetry) - $0.telemetry }.max() ?? 0 }
    var dropped: Double { ingest.last?.dropped ?? 0 }

    /// `/api/nodes` latency at `percent` (0–100), milliseconds.
    func nodesLatency(_ percent: Double) -> Double { Self.percentile(nodes.map(\.milliseconds), percent) }
    /// `/api/fleet` latency at `percent` (0–100), milliseconds.
    func fleetLatency(_ percent: Double) -> Double { Self.percentile(ingest.map(\.milliseconds), percent) }

    var nodesSeen: Int { nodes.last?.nodes ?? 0 }
    var offlineAtEnd: Int { ingest.last?.offline ?? 0 }
    /// Telemetry the master coalesced (a newer sample of the node came before it was decoded).
    var coalescedTelemetry: Double { ingest.last?.coalescedTelemetry ?? 0 }
    var decodedTelemetry: Double { ingest.last?.decodedTelemetry ?? 0 }
    var failedNodeRequests: Int { nodes.filter { $0.status != 200 }.count + probeErrors.count }

    static func percentile(_ values: [Double], _ percent: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * percent / 100).rounded(.down)))]
    }
}
