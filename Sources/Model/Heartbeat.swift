/// An agent's heartbeat on `hb.<node id>`, every 5 s by default: who it is, what it has, what
/// it can prove it can encode, and how busy it is. The master marks a node offline after three
/// missed heartbeats.
public struct Heartbeat: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    public var nodeID: String
    /// Human name (`--name`), for dashboards.
    public var name: String
    /// ffrtmp's version on the node.
    public var softwareVersion: String
    public var hardware: Hardware
    /// One entry per capability probed, proven or not.
    public var capabilities: [CapabilityStatus]
    public var slotsTotal: Int
    public var slotsBusy: Int
    /// Ids of the jobs running now.
    public var runningJobs: [String]
    public var state: NodeState
    /// Power sources the agent can read.
    public var powerSources: [PowerSource]
    /// Unix nanoseconds.
    public var sentAt: Int64
    /// What this node is and runs (hardware id, ffmpeg build, kernel, clocks); nil from older agents.
    public var provenance: Provenance?
    /// The agent's `--region` (prices and carbon intensity are the master's, per region); nil: none given.
    public var region: String?

    public init(
        nodeID: String, name: String, softwareVersion: String, hardware: Hardware, capabilities: [CapabilityStatus],
        slotsTotal: Int, slotsBusy: Int, runningJobs: [String], state: NodeState, powerSources: [PowerSource],
        sentAt: Int64
    ) {
        self.nodeID = nodeID
        self.name = name
        self.softwareVersion = softwareVersion
        self.hardware = hardware
        self.capabilities = capabilities
        self.slotsTotal = slotsTotal
        self.slotsBusy = slotsBusy
        self.runningJobs = runningJobs
        self.state = state
        self.powerSources = powerSources
        self.sentAt = sentAt
    }

    /// `hb.<node id>`.
    public var subject: String { Subjects.heartbeat(nodeID: nodeID) }

    enum CodingKeys: String, CodingKey {
        case name, hardware, capabilities, state, provenance, region
        case messageVersion = "v"
        case nodeID = "node_id"
        case softwareVersion = "version"
        case slotsTotal = "slots_total"
        case slotsBusy = "slots_busy"
        case runningJobs = "running_jobs"
        case powerSources = "power_sources"
        case sentAt = "sent_at"
    }
}

/// Whether a node takes work.
public enum NodeState: String, WireEnum {
    /// Has a free slot.
    case available
    /// Every slot is busy.
    case busy
    /// Finishing its jobs before it exits; pulls nothing new.
    case draining

    public static let wireKind = "node state"
}

/// A power source an agent can read (docs/energy.md).
public enum PowerSource: String, WireEnum {
    case rapl, nvml
    case nvidiaSMI = "nvidia-smi"
    /// No sensor: a labelled estimate from CPU time.
    case estimated

    public static let wireKind = "power source"
}

/// A capability and the tiny probe encode that proved (or failed to prove) it; an encoder in
/// ffmpeg's list proves nothing (`h264_nvenc` is listed on machines with no GPU).
public struct CapabilityStatus: Codable, Sendable, Equatable {
    public var name: Capability
    public var proven: Bool
    /// The probe that ran, e.g. `ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v h264_nvenc -f null -`.
    public var probe: String
    /// Why the probe failed, when it did.
    public var error: String?

    // Withdrawal (issue 12 item 10).
    /// True while the agent has stopped pulling this capability after repeated hardware failures;
    /// `proven` is then false and `error` holds ffmpeg's last error. nil: not withdrawn.
    public var withdrawn: Bool?

    public init(name: Capability, proven: Bool, probe: String, error: String? = nil, withdrawn: Bool? = nil) {
        self.name = name
        self.proven = proven
        self.probe = probe
        self.error = error
        self.withdrawn = withdrawn
    }
}
