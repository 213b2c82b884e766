import Net
#if canImport(Glibc)
    import Glibc
#endif

/// Every setting of the broker, with nats-server's defaults. Filled from defaults, then a config
/// file, then command-line flags; `validate()` refuses nonsense with a message naming the setting.
public struct BrokerConfig: Sendable, Equatable {
    /// Interface to listen on (`-a/--addr`, config `host`/`listen`).
    public var host = "0.0.0.0"
    /// TCP port (`-p/--port`); 0 picks a free one.
    public var port = 4222
    /// Name announced in INFO as `server_name`; defaults to the server id.
    public var serverName: String?
    /// Largest message (headers + payload) a client may publish.
    public var maxPayload = 1 << 20
    /// Outbound bytes a client may have pending before it is cut off as a slow consumer.
    public var maxPending = 64 << 20
    /// Most client connections at once.
    public var maxConnections = 64 * 1024
    /// Most subscriptions per connection (0: no limit).
    public var maxSubscriptions = 0
    /// Longest argument part of a control line.
    public var maxControlLine = 4096
    /// How often the server PINGs an idle client, in nanoseconds.
    public var pingInterval: Int64 = 120_000_000_000
    /// Unanswered PINGs allowed before `Stale Connection`.
    public var maxPingsOutstanding = 2
    /// How long pending output may stay unwritable before the client is cut off, in nanoseconds.
    public var writeDeadline: Int64 = 10_000_000_000
    /// The longest a publisher stops reading for one subscriber whose output lags, in nanoseconds
    /// (ClientConnection+BackPressure). Not in config files or flags: tests lengthen it.
    public var laggingSubscriberWait: Int64 = 10_000_000
    /// Event loops (threads); defaults to the number of usable cores.
    public var eventLoops = SystemThread.availableCores
    /// Log file (`-l/--log`); nil logs to standard error.
    public var logFile: String?
    /// Debug logging (`-D/--debug`).
    public var debug = false
    /// TLS for client connections (`--tls*` flags, `tls` block); nil: plain TCP.
    public var tls: BrokerTLSConfig?
    /// Who may connect and what each may do (`authorization` block, `--user/--pass/--auth`).
    public var authorization = AuthorizationConfig()
    /// Enables streams and pull consumers (`-js/--jetstream`).
    public var jetStream = false
    /// Where streams are stored (`-sd/--store_dir`); nil: `$TMPDIR/ffrtmp/jetstream`.
    public var storeDirectory: String?
    /// Interface of the monitoring port (`--http_host`, config `http: HOST:PORT`). Loopback by
    /// default, where nats-server binds the client interface (usually 0.0.0.0): the monitoring
    /// endpoints have no authentication, so exposing them is a deliberate choice.
    public var monitorHost = "127.0.0.1"
    /// The monitoring HTTP port (`-m/--http_port`, config `http_port`/`monitor_port`/`http`); nil:
    /// no monitoring port; 0 picks a free one.
    public var monitorPort: Int?

    /// The store directory in use.
    public var resolvedStoreDirectory: String {
        if let storeDirectory { return storeDirectory }
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return temporary + "/ffrtmp/jetstream"
    }

    public init() {}

    /// Checks ranges; the error message names the setting as the flag/config key spells it.
    public func validate() throws(BrokerConfigError) {
        func require(_ condition: Bool, _ message: String) throws(BrokerConfigError) {
            if !condition { throw BrokerConfigError(message) }
        }
        try require((0...65535).contains(port), "port must be 0 to 65535, got \(port)")
        try require(!host.isEmpty, "addr must not be empty")
        try require(maxPayload > 0 && maxPayload <= 64 << 20, "max_payload must be 1 byte to 64MB, got \(maxPayload)")
        try require(
            maxPending >= maxPayload, "max_pending (\(maxPending)) must be at least max_payload (\(maxPayload))")
        try require(maxConnections > 0, "max_connections must be positive, got \(maxConnections)")
        try require(
            maxSubscriptions >= 0, "max_subscriptions must be 0 (no limit) or positive, got \(maxSubscriptions)")
        try require(
            maxControlLine >= 64 && maxControlLine <= 1 << 20,
            "max_control_line must be 64 to 1MB, got \(maxControlLine)")
        try require(pingInterval >= 10_000_000, "ping_interval must be at least 10ms")
        try require(maxPingsOutstanding >= 1, "ping_max must be at least 1, got \(maxPingsOutstanding)")
        try require(writeDeadline >= 1_000_000, "write_deadline must be at least 1ms")
        try require((1...256).contains(eventLoops), "threads must be 1 to 256, got \(eventLoops)")
        if let monitorPort {
            try require((0...65535).contains(monitorPort), "http_port must be 0 to 65535, got \(monitorPort)")
            try require(!monitorHost.isEmpty, "http_host must not be empty")
        }
    }
}

/// An invalid broker setting.
public struct BrokerConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
