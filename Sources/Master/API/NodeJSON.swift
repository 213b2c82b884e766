import Model
import SQLite

/// A node as the API shows it: id, status, when last heard, its last heartbeat and telemetry.
enum NodeJSON {
    static func live(_ node: FleetView.Node, status: String) -> String {
        var object = JSONWriter()
        object.add("node_id", node.heartbeat.nodeID)
        object.add("name", node.heartbeat.name)
        object.add("status", status)
        object.add("last_seen", node.lastSeenAt)
        object.add("heartbeat", raw: encoded(node.heartbeat))
        object.add("telemetry", raw: node.telemetry.map(encoded) ?? "null")
        return object.text
    }

    /// A node known from the store but not heard from since this master started.
    static func remembered(_ row: Row) -> String {
        var object = JSONWriter()
        object.add("node_id", row["node_id"].string)
        object.add("name", row["name"].string)
        object.add("status", "offline")
        object.add("last_seen", row["last_seen"].int64)
        object.add("heartbeat", raw: row["heartbeat"].string ?? "null")
        object.add("telemetry", raw: "null")
        return object.text
    }

    private static func encoded<Message: Encodable>(_ message: Message) -> String {
        (try? MessageCoding.encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
