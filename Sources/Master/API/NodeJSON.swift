import Model
import SQLite
import Support

/// A node as the API shows it: id, status, when last heard, and either its last heartbeat and
/// telemetry as the node sent them (`full`) or a few figures from them (`summary`). Written
/// straight into the response body: `/api/nodes` for 10 000 nodes is about 13 MB.
enum NodeJSON {
    /// How much of each node `/api/nodes` shows (`fields=`).
    enum Fields: String {
        case full, summary
    }

    static func append(_ node: FleetView.Node, status: String, fields: Fields, to bytes: inout [UInt8]) {
        bytes += node.text.listingPrefix.utf8
        bytes += status.utf8
        bytes += "\",\"last_seen\":".utf8
        bytes += String(node.lastSeenAt).utf8
        switch fields {
        case .full:
            bytes += ",\"heartbeat\":".utf8
            bytes += node.heartbeatJSON.utf8
            bytes += ",\"telemetry\":".utf8
            bytes += (node.telemetryJSON ?? "null").utf8
        case .summary:
            let power = node.telemetry?.power ?? []
            let figures =
                ",\"state\":\"\(node.heartbeat.state.rawValue)\",\"slots_total\":\(node.heartbeat.slotsTotal),"
                + "\"slots_busy\":\(node.heartbeat.slotsBusy),\"running_jobs\":\(node.heartbeat.runningJobs.count),"
                + "\"cpu_percent\":\(number(node.telemetry?.cpuPercent)),"
                + "\"mem_used_mb\":\(node.telemetry.map { String($0.memoryUsedMegabytes) } ?? "null"),"
                + "\"watts\":\(number(power.isEmpty ? nil : power.reduce(0) { $0 + $1.watts }))"
            bytes += figures.utf8
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A node known from the store but not heard from since this master started.
    static func remembered(_ row: Row) -> FleetView.Remembered {
        var object = JSONWriter()
        object.add("node_id", row["node_id"].string)
        object.add("name", row["name"].string)
        object.add("status", "offline")
        object.add("last_seen", row["last_seen"].int64)
        let summary = object.text
        object.add("heartbeat", raw: row["heartbeat"].string ?? "null")
        object.add("telemetry", raw: "null")
        let live = LiveNodeJSON.remembered(
            id: row["node_id"].string ?? "", name: row["name"].string ?? "", lastSeen: row["last_seen"].int64)
        return FleetView.Remembered(full: object.text, summary: summary, live: live)
    }

    /// A figure with one decimal, or null.
    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}

/// A node's id and name as the API writes them on every request, made once per name.
struct NodeText: Sendable {
    let name: String
    /// `{"node_id":"…","name":"…","status":"`: a listing element up to its status.
    let listingPrefix: String
    /// `node="…"`: the node's Prometheus label.
    let metricLabel: String

    init(id: String, name: String) {
        self.name = name
        listingPrefix =
            "{\"node_id\":" + JSONStringLiteral.quoted(id) + ",\"name\":" + JSONStringLiteral.quoted(name)
            + ",\"status\":\""
        metricLabel = "node=\"" + PrometheusText.escaped(id) + "\""
    }
}
