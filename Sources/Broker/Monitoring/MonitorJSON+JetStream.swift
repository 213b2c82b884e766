import Support

extension MonitorJSON {
    /// `/jsz`: JetStream's totals (`JSInfo` in nats-server). With JetStream off, `disabled` and zeros.
    /// One account holds everything and nothing is clustered, hence `accounts` 1 and `ha_assets` 0;
    /// nothing is reserved, hence the zero `reserved_*`.
    static func jsz(_ snapshot: JetStreamSnapshot?, storeDirectory: String, serverID: String, now: Int64) -> String {
        let totals = snapshot ?? JetStreamSnapshot()
        var object = JSONObject()
        object.add("server_id", serverID)
        object.add("now", time(now))
        if snapshot == nil { object.add("disabled", true) }
        var config = JSONObject()
        config.add("store_dir", snapshot == nil ? "" : storeDirectory)
        object.add("config", raw: config.text)
        object.add("memory", Int(totals.memoryBytes))
        object.add("storage", Int(totals.storageBytes))
        object.add("reserved_memory", 0)
        object.add("reserved_storage", 0)
        object.add("accounts", snapshot == nil ? 0 : 1)
        object.add("ha_assets", 0)
        var api = JSONObject()
        api.add("level", 1)
        api.add("total", totals.apiRequests)
        api.add("errors", totals.apiErrors)
        object.add("api", raw: api.text)
        object.add("streams", totals.streams)
        object.add("consumers", totals.consumers)
        object.add("messages", totals.messages)
        object.add("bytes", Int(totals.bytes))
        return object.text
    }

    /// `/subsz`: the subscription count (`Subsz` in nats-server, without its match-cache figures).
    static func subsz(subscriptions: Int, serverID: String, now: Int64) -> String {
        var object = JSONObject()
        object.add("server_id", serverID)
        object.add("now", time(now))
        object.add("num_subscriptions", subscriptions)
        return object.text
    }
}
