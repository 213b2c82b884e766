import Model
import Support

/// A node as the dashboard's live view (`/events`) carries it: only what the dashboard shows,
/// with every string and list clamped, so one node adds at most a few kilobytes however large
/// its heartbeat (a 1 MB CPU model name included). About 300 bytes for a typical busy node,
/// against ~1.3 KB for the full messages `/api/nodes` shows.
enum LiveNodeJSON {
    /// Longest text kept from a node (Unicode scalars; JSON escaping may grow it up to 6×).
    static let maximumText = 128
    /// Most running jobs and capabilities listed per node.
    static let maximumJobs = 32
    static let maximumCapabilities = 16

    static func text(_ node: FleetView.Node, status: String) -> String {
        let heartbeat = node.heartbeat
        var object = JSONObject()
        object.add("node_id", clamped(heartbeat.nodeID))
        object.add("name", clamped(heartbeat.name))
        object.add("status", status)
        object.add("last_seen", raw: String(node.lastSeenAt))
        object.add("cpu_model", clamped(heartbeat.hardware.cpuModel))
        object.add("gpus", heartbeat.hardware.gpus.count)
        let proven = heartbeat.capabilities.lazy.filter(\.proven).prefix(maximumCapabilities)
        object.add(
            "proven", raw: "[" + proven.map { JSONStringLiteral.quoted($0.name.rawValue) }.joined(separator: ",") + "]")
        object.add("slots_busy", heartbeat.slotsBusy)
        object.add("slots_total", heartbeat.slotsTotal)
        if let telemetry = node.telemetry {
            object.add("cpu_percent", telemetry.cpuPercent, digits: 1)
            let power = telemetry.power
            if power.isEmpty {
                object.add("watts", raw: "null")
            } else {
                object.add("watts", power.reduce(0) { $0 + $1.watts }, digits: 2)
            }
            object.add("estimated", power.contains { $0.source == .estimated })
            let jobs = telemetry.jobs.prefix(maximumJobs).map { job in
                var entry = JSONObject()
                entry.add("id", clamped(job.id))
                entry.add("fps", job.fps, digits: 2)
                entry.add("speed", job.speed ?? .nan, digits: 2)  // null when unknown
                entry.add("progress", job.progress ?? .nan, digits: 4)
                entry.add("cpu_percent", job.cpuPercent, digits: 1)
                return entry.text
            }
            object.add("jobs", raw: "[" + jobs.joined(separator: ",") + "]")
        }
        return object.text
    }

    /// A node known from the store only: id, name, `offline`, when last seen.
    static func remembered(id: String, name: String, lastSeen: Int64?) -> String {
        var object = JSONObject()
        object.add("node_id", clamped(id))
        object.add("name", clamped(name))
        object.add("status", "offline")
        object.add("last_seen", raw: lastSeen.map { String($0) } ?? "null")
        return object.text
    }

    /// At most `maximumText` Unicode scalars of `text` (a grapheme can hold any number of them).
    static func clamped(_ text: String) -> String {
        guard text.unicodeScalars.count > maximumText else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(maximumText - 1))
        scalars.append("…")
        return String(scalars)
    }
}
