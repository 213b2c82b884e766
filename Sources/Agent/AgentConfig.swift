import Client
import Fleet
import Model

/// Every setting of an agent (flags > environment > config file > defaults), validated at start
/// with errors naming the setting.
public struct AgentConfig: Sendable {
    /// The node id: used in subjects (`hb.<id>`, `result.<id>`) and results. Defaults to the host name.
    public var nodeID: String
    /// A human name for dashboards; defaults to the node id.
    public var name: String?
    public var servers: [String] = ["nats://127.0.0.1:4222"]
    public var tls: ClientTLSOptions?
    public var user: String?
    public var password: String?
    /// Reply subjects start with this; nil: `_INBOX.<certificate CN>` with a client certificate, else `_INBOX`.
    public var inboxPrefix: String?
    /// Jobs run at once.
    public var maxConcurrentJobs = 1
    /// Where jobs write their files (one folder per job, removed afterwards).
    public var workDirectory = "/var/lib/ffrtmp/agent/work"
    /// Results not yet acknowledged by the broker wait here (survives restarts).
    public var spoolDirectory = "/var/lib/ffrtmp/agent/spool"
    /// Capabilities declared by the operator instead of proven by probe encodes.
    public var declaredCapabilities: [Capability]?
    public var ffmpegPath = "ffmpeg"
    /// Roots file inputs must stay under.
    public var inputRoots: [String] = []
    public var powercapRoot = "/sys/class/powercap"
    public var procRoot = "/proc"
    /// sysfs: cpufreq governor, turbo and thermal-throttle counters for provenance; tests point it at a fake.
    public var sysRoot = "/sys"
    public var cgroupRoot = "/sys/fs/cgroup"
    /// The delegated cgroup (under the root) where job cgroups are made; "" for the root.
    public var cgroupParent = ""
    /// How job limits are enforced: cgroup v2 when possible, nice + rlimits, or only the timeout.
    public var limits = ResourceLimitConfiguration.Preference.automatic
    /// nvidia-smi to run; nil disables GPU reading.
    public var nvidiaSMIPath: String? = "nvidia-smi"
    /// CPU TDP for the estimate when no sensor exists.
    public var tdpWatts: Double?
    public var price = EnergyPrice()
    /// Where the node draws its power (`--region`), sent in heartbeats and results; the master prices
    /// energy per region. Nil: none (the master then reports cost as unavailable).
    public var region: String?
    /// Heartbeat and telemetry periods, in seconds.
    public var heartbeatInterval = 5.0
    public var telemetryBusyInterval = 1.0
    public var telemetryIdleInterval = 10.0
    /// How often a running job reports progress on `evt.job.<id>.progress`, and sends +WPI.
    public var progressInterval = 5.0
    /// Failed runs are retried (NAK with back-off) until this attempt, then reported failed.
    public var maxAttempts = 3
    /// Base NAK delay; multiplied by the attempt number.
    public var retryDelay = 5.0
    /// How long an ack, nak or term is tried until the server confirms it, in seconds; below the job
    /// consumer's ack wait (30 s), after which the server would deliver the job again anyway.
    public var settleWindow = 25.0
    /// How long a lifecycle event is tried until EVENTS stores it, in seconds.
    public var eventWindow = 10.0
    /// How long a redelivered job waits for its earlier attempt to report, in seconds, before it runs
    /// again: that attempt may have succeeded with its ack still being confirmed through a leader
    /// election (its `succeeded` event follows the confirmed ack). A job whose earlier attempt
    /// announced a retry runs at once.
    public var redeliveryGrace = 6.0
    /// Limits given to a job that asks for none (`--default-cpu-percent`, `--default-memory`);
    /// nil: none. Checked against the node's threads and RAM at start.
    public var defaultCPUPercent: Int?
    public var defaultMemoryMegabytes: Int?
    /// Free space the work folder must keep.
    public var minimumFreeBytes: Int64 = 512 << 20

    // Withdrawing broken hardware (issue 12 item 10).
    /// Hardware failures in a row on a capability before the agent stops pulling it.
    public var withdrawAfterHardwareFailures = 3
    /// Seconds before a withdrawn capability is first re-probed; doubled after each failed probe.
    public var reprobeDelay = 30.0
    /// The longest wait between re-probes, in seconds.
    public var maximumReprobeDelay = 900.0

    // Clips and kept outputs (issue 12 item 12).
    /// The object store bucket `clip` inputs are read from.
    public var clipBucket = "clips"
    /// Bytes the clip cache (`<work dir>/.clips`) holds at most; also the largest clip accepted.
    public var clipCacheBytes: UInt64 = 10 << 30
    /// The object store bucket `keep_output` jobs store their output in, named by job id.
    public var outputBucket = "outputs"
    /// Seconds a kept output stays in its bucket (the bucket stream's `max_age`); 0: until deleted.
    public var outputRetention = 7 * 86400.0

    /// Where fetched clips are kept: a dot folder, which the work directory's leftover sweep spares.
    public var clipCacheDirectory: String { workDirectory + "/.clips" }

    public init(nodeID: String) { self.nodeID = nodeID }

    public var displayName: String { name ?? nodeID }

    /// Refuses nonsense, naming the setting.
    public func validate() throws(AgentConfigError) {
        guard Identifier.isValid(nodeID) else {
            throw AgentConfigError("name must be letters, digits, - and _ (it is used in subjects), got \"\(nodeID)\"")
        }
        guard !FleetTopology.isReservedNodeID(nodeID) else {
            throw AgentConfigError(
                "name \"\(nodeID)\" is a capability's queue name; give the node another name (its queue is named for it)"
            )
        }
        guard (1...64).contains(maxConcurrentJobs) else {
            throw AgentConfigError("max-concurrent-jobs must be 1 to 64, got \(maxConcurrentJobs)")
        }
        guard heartbeatInterval >= 0.05, telemetryBusyInterval >= 0.05, telemetryIdleInterval >= 0.05 else {
            throw AgentConfigError("heartbeat and telemetry intervals must be at least 50 ms")
        }
        if let cpu = defaultCPUPercent, !(1...ValidationPolicy().maximumCPUPercent).contains(cpu) {
            throw AgentConfigError(
                "default-cpu-percent must be 1 to \(ValidationPolicy().maximumCPUPercent), got \(cpu)")
        }
        let memory = ValidationPolicy().memoryMegabytes
        if let megabytes = defaultMemoryMegabytes, !memory.contains(megabytes) {
            throw AgentConfigError(
                "default-memory must be \(memory.lowerBound) to \(memory.upperBound) MB, got \(megabytes)")
        }
        if let region, !RegionName.isValid(region) {
            throw AgentConfigError(
                "region must be 1–64 letters, digits, - and _ starting with a letter or digit, got \"\(region)\"")
        }
        guard maxAttempts >= 1 else { throw AgentConfigError("max-attempts must be at least 1") }
        guard !servers.isEmpty else { throw AgentConfigError("server: at least one URL is needed") }
    }
}

/// An invalid agent setting.
public struct AgentConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
