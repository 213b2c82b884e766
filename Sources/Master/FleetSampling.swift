import Model

/// A heartbeat or telemetry sample on its way to the store, with when it arrived.
enum FleetRecord: Sendable {
    case heartbeat(Heartbeat, json: String, at: Int64, monotonic: UInt64)
    case telemetry(TelemetrySample, at: Int64, monotonic: UInt64)
}

/// Which heartbeats and telemetry the store keeps. A node row is written when a heartbeat says
/// something new (anything but its send time) or `nodeRowInterval` after the node's last row; the
/// latest heartbeat of a node not written that way is written by `flush` (at stop). A node
/// sample is kept at most every `nodeSampleInterval` per node, a running job's sample at most
/// every `jobSampleInterval` per job (its job detail series; live views read telemetry as it
/// arrives). Owned by one thread (the store writer's).
struct FleetSampling {
    let nodeRowInterval: UInt64
    let nodeSampleInterval: UInt64
    let jobSampleInterval: UInt64
    /// The last heartbeat written per node (send time zeroed) and when, monotonic ns.
    private var lastRow: [String: (heartbeat: Heartbeat, at: UInt64)] = [:]
    private var lastSample: [String: UInt64] = [:]
    private var lastJobSample: [String: UInt64] = [:]
    /// The latest heartbeat per node that was not written.
    private var unwritten: [String: (heartbeat: Heartbeat, json: String, at: Int64)] = [:]

    init(nodeRowInterval: Double, nodeSampleInterval: Double, jobSampleInterval: Double = 0) {
        self.nodeRowInterval = UInt64(nodeRowInterval * 1e9)
        self.nodeSampleInterval = UInt64(nodeSampleInterval * 1e9)
        self.jobSampleInterval = UInt64(jobSampleInterval * 1e9)
    }

    /// Adds what of `record` is to be stored to `batch`.
    mutating func add(_ record: FleetRecord, to batch: inout FleetBatch) {
        switch record {
        case .heartbeat(let heartbeat, let json, let at, let monotonic):
            var content = heartbeat
            content.sentAt = 0
            let id = heartbeat.nodeID
            if let last = lastRow[id], last.heartbeat == content, monotonic &- last.at < nodeRowInterval {
                unwritten[id] = (heartbeat, json, at)
                return
            }
            lastRow[id] = (content, monotonic)
            unwritten[id] = nil
            batch.nodes.append((heartbeat, json, at))
        case .telemetry(var sample, let at, let monotonic):
            var nodeRow = true
            if let last = lastSample[sample.nodeID], monotonic &- last < nodeSampleInterval { nodeRow = false }
            if nodeRow { lastSample[sample.nodeID] = monotonic }
            sample.jobs = sample.jobs.filter { jobSampleDue($0.id, at: monotonic) }
            guard nodeRow || !sample.jobs.isEmpty else { return }
            batch.samples.append((sample, at, nodeRow))
        }
    }

    /// Whether job `id`'s sample is to be kept now; forgets jobs not seen for a minute.
    private mutating func jobSampleDue(_ id: String, at monotonic: UInt64) -> Bool {
        if let last = lastJobSample[id], monotonic &- last < jobSampleInterval { return false }
        lastJobSample[id] = monotonic
        if lastJobSample.count > 100_000 {
            lastJobSample = lastJobSample.filter { monotonic &- $0.value < 60_000_000_000 }
        }
        return true
    }

    /// Adds every node's latest heartbeat that is not written yet.
    mutating func flush(into batch: inout FleetBatch) {
        for (_, node) in unwritten.sorted(by: { $0.key < $1.key }) { batch.nodes.append(node) }
        unwritten = [:]
    }
}
