/// The difference between the configuration in force and one a reload read, by the names the config
/// file spells them: what may change while the broker runs, and what may not (the listening socket,
/// the loops, the store and the log are set up once, at start).
struct BrokerConfigChanges: Equatable {
    /// Settings that differ and are applied.
    var applied: [String] = []
    /// Settings that differ but cannot change while running: they keep their old value.
    var refused: [String] = []

    /// Compares `old` with `new`, and puts every refused setting of `new` back to its `old` value.
    init(from old: BrokerConfig, to new: inout BrokerConfig) {
        func fixed<Value: Equatable>(_ name: String, _ path: WritableKeyPath<BrokerConfig, Value>) {
            guard old[keyPath: path] != new[keyPath: path] else { return }
            refused.append(name)
            new[keyPath: path] = old[keyPath: path]
        }
        fixed("host", \.host)
        fixed("port", \.port)
        fixed("threads", \.eventLoops)
        fixed("jetstream", \.jetStream)
        fixed("store_dir", \.storeDirectory)
        fixed("log_file", \.logFile)
        fixed("debug", \.debug)
        func changed<Value: Equatable>(_ name: String, _ path: KeyPath<BrokerConfig, Value>) {
            if old[keyPath: path] != new[keyPath: path] { applied.append(name) }
        }
        changed("server_name", \.serverName)
        changed("max_payload", \.maxPayload)
        changed("max_pending", \.maxPending)
        changed("max_connections", \.maxConnections)
        changed("max_subscriptions", \.maxSubscriptions)
        changed("max_control_line", \.maxControlLine)
        changed("ping_interval", \.pingInterval)
        changed("ping_max", \.maxPingsOutstanding)
        changed("write_deadline", \.writeDeadline)
        changed("tls", \.tls)
        changed("authorization", \.authorization)
    }
}
