import Support

/// Reads broker settings from a configuration file in nats-server's format, so an existing
/// `nats-server.conf` with the settings we share works unchanged. Unknown keys are refused with a
/// suggestion; nats-server features we do not implement (clustering, accounts…) are named as such.
public enum BrokerConfigFile {
    /// Keys we read, spelled as nats-server spells them (plus `threads`).
    static let supportedKeys: Set<String> = [
        "host", "net", "port", "listen", "server_name", "max_payload", "max_pending", "max_connections",
        "max_subscriptions", "max_control_line", "ping_interval", "ping_max", "write_deadline", "log_file",
        "debug", "trace", "logtime", "threads", "jetstream", "store_dir", "tls", "authorization",
        "http", "http_port", "monitor_port",
    ]

    /// nats-server sections that exist but are outside what ffrtmp's broker does.
    static let unsupportedSections: Set<String> = [
        "cluster", "gateway", "leafnodes", "accounts", "operator", "resolver", "mqtt", "websocket",
        "system_account", "https", "https_port",
    ]

    public static func apply(path: String, to config: inout BrokerConfig) throws(SupportError) {
        try apply(ConfigFile.load(path: path), to: &config)
    }

    /// Applies every setting in `file` over `config`.
    public static func apply(_ file: ConfigObject, to config: inout BrokerConfig) throws(SupportError) {
        for key in file.keys where unsupportedSections.contains(key) {
            throw file.invalid(key, "not supported by ffrtmp broker (use nats-server for \(key))")
        }
        try file.rejectUnknownKeys(allowed: supportedKeys)
        if let listen = try file.string("listen") {
            let (host, port) = try hostAndPort(listen, key: "listen", in: file)
            if let host { config.host = host }
            config.port = port
        }
        if let host = try file.string("host") { config.host = host }
        if let host = try file.string("net") { config.host = host }
        if let port = try file.int("port") { config.port = port }
        if let name = try file.string("server_name") { config.serverName = name }
        if let value = try file.byteSize("max_payload") { config.maxPayload = value }
        if let value = try file.byteSize("max_pending") { config.maxPending = value }
        if let value = try file.int("max_connections") { config.maxConnections = value }
        if let value = try file.int("max_subscriptions") { config.maxSubscriptions = value }
        if let value = try file.int("max_control_line") { config.maxControlLine = value }
        if let value = try file.durationNanoseconds("ping_interval") { config.pingInterval = value }
        if let value = try file.int("ping_max") { config.maxPingsOutstanding = value }
        if let value = try file.durationNanoseconds("write_deadline") { config.writeDeadline = value }
        if let value = try file.string("log_file") { config.logFile = value }
        if let value = try file.bool("debug") { config.debug = value }
        if let value = try file.int("threads") { config.eventLoops = value }
        try applyJetStream(file, to: &config)
        try applyTLS(file, to: &config)
        try applyAuthorization(file, to: &config)
        try applyMonitoring(file, to: &config)
    }

    /// `http: PORT` or `http: "HOST:PORT"`, `http_port`/`monitor_port: PORT`: the monitoring port.
    private static func applyMonitoring(_ file: ConfigObject, to config: inout BrokerConfig) throws(SupportError) {
        switch file["http"] {
        case .string(let listen)?:
            let (host, port) = try hostAndPort(listen, key: "http", in: file)
            if let host { config.monitorHost = host }
            config.monitorPort = port
        case .some:
            if let port = try file.int("http") { config.monitorPort = port }
        case nil:
            break
        }
        if let port = try file.int("http_port") { config.monitorPort = port }
        if let port = try file.int("monitor_port") { config.monitorPort = port }
    }

    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (host nil).
    private static func hostAndPort(
        _ listen: String, key: String, in file: ConfigObject
    ) throws(SupportError) -> (host: String?, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw file.invalid(key, "expected host:port, got \"\(listen)\"")
        }
        let host = String(listen[..<colon])
        return (host.isEmpty ? nil : host.trimmingCharacters(in: "[]"), port)
    }

    /// `jetstream: enabled`, `jetstream: true`, or `jetstream { store_dir: DIR }`; `store_dir: DIR`.
    private static func applyJetStream(_ file: ConfigObject, to config: inout BrokerConfig) throws(SupportError) {
        switch file["jetstream"] {
        case .bool(let enabled)?:
            config.jetStream = enabled
        case .string(let word)?:
            switch word.lowercased() {
            case "enabled", "enable", "true", "on", "yes": config.jetStream = true
            case "disabled", "disable", "false", "off", "no": config.jetStream = false
            default: throw file.invalid("jetstream", "expected enabled, disabled or a block, got \"\(word)\"")
            }
        case .object(let block)?:
            config.jetStream = true
            try block.rejectUnknownKeys(allowed: ["store_dir", "enabled", "max_memory_store", "max_file_store"])
            if let directory = try block.string("store_dir") { config.storeDirectory = directory }
            if let enabled = try block.bool("enabled") { config.jetStream = enabled }
        case nil:
            break
        case let other?:
            throw file.invalid("jetstream", "expected enabled, disabled or a block, got \(other.kindName)")
        }
        if let directory = try file.string("store_dir") {
            config.storeDirectory = directory
            config.jetStream = true
        }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
