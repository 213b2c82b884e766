import Client
import Model

/// Every setting of the master, validated at start with errors naming the setting.
public struct MasterConfig: Sendable {
    /// Names the master's durable consumers (`<name>-events`, `<name>-results`): two masters
    /// with different names each see every message; the same name shares (splits) them.
    public var name = "master"
    public var servers: [String] = ["nats://127.0.0.1:4222"]
    public var tls: ClientTLSOptions?
    public var user: String?
    public var password: String?
    /// Reply subjects start with this; nil: `_INBOX.<certificate CN>` with a client certificate, else `_INBOX`.
    public var inboxPrefix: String?
    /// The read-only HTTP view.
    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    /// The SQLite file (`":memory:"` keeps nothing across restarts).
    public var databasePath = "/var/lib/ffrtmp/master/master.db"
    /// Prices and carbon intensity per region (`RegionPricing`); nil: none, so cost is unavailable.
    public var pricingPath: String?
    /// The agents' heartbeat period; a node is offline after `missedHeartbeats` of them.
    public var heartbeatInterval = 5.0
    public var missedHeartbeats = 3
    /// How long results and events, and telemetry, are kept (seconds).
    public var resultRetention = 30.0 * 86_400
    public var telemetryRetention = 7.0 * 86_400
    /// A node's telemetry is stored at most this often (seconds).
    public var nodeSampleInterval = 10.0
    /// A running job's telemetry is stored at most this often (seconds): its job detail series.
    /// Every second for 10 000 busy agents writes ~1.3 MB/s; every 5 s a fifth of that.
    public var jobSampleInterval = 5.0
    /// A node's row is rewritten when its heartbeat changes, else at most this often (seconds).
    public var nodeRowInterval = 60.0
    /// Heartbeats and telemetry are written to the store in one transaction this often (seconds).
    public var storeInterval = 1.0
    /// Most heartbeats and telemetry waiting for the store; more are dropped (and counted).
    public var storeQueueLimit = 50_000
    /// How often queue depths are read from the job consumers.
    public var queuePollInterval = 2.0

    public init() {}

    /// Seconds of silence after which a node counts as offline.
    public var offlineAfter: Double { heartbeatInterval * Double(missedHeartbeats) }

    public func validate() throws(MasterConfigError) {
        guard Identifier.isValid(name) else {
            throw MasterConfigError("name must be letters, digits, - and _, got \"\(name)\"")
        }
        guard (0...65_535).contains(httpPort) else { throw MasterConfigError("http port must be 0 to 65535") }
        guard heartbeatInterval > 0, missedHeartbeats >= 1 else {
            throw MasterConfigError("heartbeat interval must be above 0 and missed heartbeats at least 1")
        }
        guard resultRetention > 0, telemetryRetention > 0 else {
            throw MasterConfigError("retention periods must be above 0")
        }
        guard storeInterval > 0, nodeRowInterval >= 0, nodeSampleInterval >= 0, jobSampleInterval >= 0,
            storeQueueLimit >= 1
        else {
            throw MasterConfigError(
                "store interval must be above 0, node row and sample intervals 0 or more, store queue limit 1 or more")
        }
        guard !servers.isEmpty else { throw MasterConfigError("server: at least one URL is needed") }
    }
}

/// An invalid master setting.
public struct MasterConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
