import Support

extension MonitorJSON {
    /// `/connz`: one page of the open connections (`Connz` and `ConnInfo` in nats-server).
    static func connz(
        _ connections: [ConnectionSnapshot], query: ConnzQuery, serverID: String, now: Int64
    ) -> String {
        let page = query.page(of: connections)
        var object = JSONObject()
        object.add("server_id", serverID)
        object.add("now", time(now))
        object.add("num_connections", page.count)
        object.add("total", connections.count)
        object.add("offset", query.offset)
        object.add("limit", query.limit)
        object.add("connections", raw: array(page.map { connection($0, query: query, now: now) }))
        return object.text
    }

    private static func connection(_ connection: ConnectionSnapshot, query: ConnzQuery, now: Int64) -> String {
        var object = JSONObject()
        object.add("cid", Int(clamping: connection.id))
        object.add("kind", "Client")
        object.add("type", "nats")
        object.add("ip", connection.host)
        object.add("port", connection.port)
        object.add("start", time(connection.started))
        object.add("last_activity", time(connection.lastActivity))
        object.add("uptime", uptime(nanoseconds: now - connection.started))
        object.add("idle", uptime(nanoseconds: now - connection.lastActivity))
        object.add("pending_bytes", connection.pendingBytes)
        object.add("subscriptions", connection.subscriptionCount)
        if let name = connection.name, !name.isEmpty { object.add("name", name) }
        if let language = connection.language, !language.isEmpty { object.add("lang", language) }
        if let version = connection.version, !version.isEmpty { object.add("version", version) }
        if query.listsSubjects && !connection.subjects.isEmpty {
            object.add("subscriptions_list", raw: array(connection.subjects.map(JSONStringLiteral.quoted)))
        }
        return object.text
    }
}
