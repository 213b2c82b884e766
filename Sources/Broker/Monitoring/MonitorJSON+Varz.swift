import Net
import Support

#if canImport(Glibc)
    import Glibc
#endif

extension MonitorJSON {
    /// `/varz`: the server's settings and totals (`Varz` in nats-server). Durations are
    /// nanoseconds (Go's `time.Duration`), as nats-server encodes them, `auth_timeout` seconds. Counters are read from
    /// the loops' relaxed atomics, so they may lag the loops by a message or two.
    static func varz(_ broker: Broker, monitorHost: String, monitorPort: Int, started: Int64, now: Int64) -> String {
        let config = broker.config
        let info = broker.info
        let statistics = broker.statistics
        var object = JSONObject()
        object.add("server_id", info.server_id)
        object.add("server_name", info.server_name)
        object.add("version", info.version)
        object.add("proto", info.proto)
        object.add("host", config.host)
        object.add("port", broker.port)
        if info.auth_required == true { object.add("auth_required", true) }
        if info.tls_required == true { object.add("tls_required", true) }
        if info.tls_verify == true { object.add("tls_verify", true) }
        object.add("max_connections", config.maxConnections)
        if config.maxSubscriptions > 0 { object.add("max_subscriptions", config.maxSubscriptions) }
        object.add("ping_interval", Int(config.pingInterval))
        object.add("ping_max", config.maxPingsOutstanding)
        object.add("http_host", monitorHost)
        object.add("http_port", monitorPort)
        object.add("auth_timeout", Double(config.authorization.timeoutNanoseconds) / 1e9)
        object.add("max_control_line", config.maxControlLine)
        object.add("max_payload", config.maxPayload)
        object.add("max_pending", config.maxPending)
        object.add("write_deadline", Int(config.writeDeadline))
        object.add("start", time(started))
        object.add("now", time(now))
        object.add("uptime", uptime(nanoseconds: now - started))
        if let resident = residentBytes() { object.add("mem", resident) }
        object.add("cores", SystemThread.availableCores)
        object.add("connections", statistics.connections)
        object.add("total_connections", broker.acceptedConnections)
        // No clustering: no routes, gateways or leaf nodes.
        object.add("routes", 0)
        object.add("remotes", 0)
        object.add("leafnodes", 0)
        object.add("in_msgs", statistics.messagesIn)
        object.add("out_msgs", statistics.messagesOut)
        object.add("out_bytes", statistics.bytesOut)
        object.add("slow_consumers", statistics.slowConsumers)
        object.add("subscriptions", statistics.subscriptions)
        return object.text
    }

    /// The process's resident memory (`/proc/self/statm`'s second field, in pages), as nats-server's
    /// `mem`; nil where that file is not readable.
    static func residentBytes() -> Int? {
        guard let bytes = try? FileContents.read("/proc/self/statm", limit: 4096) else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * max(1, Int(sysconf(Int32(_SC_PAGESIZE))))
    }
}
