import Support

/// `/api/fleet`: the whole fleet in one small answer, whatever its size: nodes by status and by
/// proven capability, job slots, busy and idle nodes, total power from the latest telemetry, the
/// queues, and the master's ingest counters (received, decoded, coalesced). Read from memory only.
///
/// The node counts walk every node: the master's live thread makes them once a second
/// (`FleetView.keep(census:)`) and a request takes that copy while it is under 2 s old; only
/// without one (no live thread: tests, a master just started) does the request count itself.
extension MasterAPI {
    func fleetSummary() -> String {
        let now = Clock.monotonicNanoseconds()
        let census = fleet.census(notOlderThan: 2_000_000_000, now: now) ?? Self.census(of: fleet, now: now)
        let counters = fleet.counters
        let tally = inbox?.tally ?? FleetInbox.Tally()
        var ingest = JSONWriter()
        ingest.add("heartbeats_received", tally.heartbeats)
        ingest.add("telemetry_received", tally.telemetry)
        ingest.add("heartbeats_decoded", counters.heartbeats)
        ingest.add("telemetry_decoded", counters.telemetry)
        ingest.add("heartbeats_coalesced", tally.coalescedHeartbeats)
        ingest.add("telemetry_coalesced", tally.coalescedTelemetry)
        ingest.add("inbox_overflowed", tally.overflowed)
        ingest.add("inbox_waiting", inbox?.waiting ?? 0)
        ingest.add("store_dropped", counters.storeDropped)
        ingest.add("store_queue", storeQueue())
        ingest.add("invalid", counters.invalid)
        // The census is a JSON object: the queues and the ingest counters join it before its brace.
        return String(census.dropLast()) + ",\"queues\":" + queueArray() + ",\"ingest\":" + ingest.text + "}"
    }

    /// The node counts of `/api/fleet` as one JSON object.
    static func census(of fleet: FleetView, now: UInt64) -> String {
        let nodes = fleet.nodes
        var byStatus = ["available": 0, "busy": 0, "draining": 0, "offline": 0]
        var byCapability: [String: Int] = [:]
        var (slotsTotal, slotsBusy, busyNodes, idleNodes, runningJobs) = (0, 0, 0, 0, 0)
        var (watts, nodesWithPower) = (0.0, 0)
        for node in nodes {
            let status = fleet.status(of: node, now: now)
            byStatus[status, default: 0] += 1
            guard status != "offline" else { continue }
            let heartbeat = node.heartbeat
            for capability in heartbeat.capabilities where capability.proven {
                byCapability[capability.name.rawValue, default: 0] += 1
            }
            slotsTotal += max(0, heartbeat.slotsTotal)
            slotsBusy += max(0, heartbeat.slotsBusy)
            runningJobs += heartbeat.runningJobs.count
            if heartbeat.slotsBusy > 0 { busyNodes += 1 } else { idleNodes += 1 }
            if let power = node.telemetry?.power, !power.isEmpty {
                watts += power.reduce(0) { $0 + ($1.watts.isFinite ? $1.watts : 0) }
                nodesWithPower += 1
            }
        }
        // Remembered nodes (not heard since start) are offline.
        byStatus["offline", default: 0] += fleet.count - nodes.count
        var object = JSONWriter()
        object.add("nodes", fleet.count)
        object.add("by_status", raw: Self.counts(byStatus))
        object.add("by_capability", raw: Self.counts(byCapability))
        object.add("slots_total", slotsTotal)
        object.add("slots_busy", slotsBusy)
        object.add("busy_nodes", busyNodes)
        object.add("idle_nodes", idleNodes)
        object.add("running_jobs", runningJobs)
        object.add("power_watts", watts, digits: 1)
        object.add("nodes_with_power", nodesWithPower)
        return object.text
    }

    /// `{"name":count,…}` in name order.
    private static func counts(_ counts: [String: Int]) -> String {
        var object = JSONWriter()
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) { object.add(name, count) }
        return object.text
    }
}
