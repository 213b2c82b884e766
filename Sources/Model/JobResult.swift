/// The final result of one job attempt, on `result.<node id>` (stream RESULTS). Every result
/// carries the job's identity, what ran (`ffmpeg.argv`), what it cost in energy, money and CO2,
/// and the efficiency figures of ARCHITECTURE §3. A rejected job has `error` and
/// `reject_field` and no ffmpeg, energy or cost. Decoding ignores unknown fields (see
/// `JobEvent`).
public struct JobResult: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    public var jobID: String
    public var nodeID: String
    /// Delivery attempt, from 1.
    public var attempt: Int
    public var status: Status
    /// What went wrong (failed, timeout, cancelled, rejected).
    public var error: String?
    /// For `rejected`: the JSON path of the field that made the job invalid.
    public var rejectField: String?
    public var timings: Timings
    /// Nil when ffmpeg never ran.
    public var ffmpeg: FFmpegStatistics?
    /// Nil when nothing ran.
    public var energy: EnergyReport?
    /// Nil when the job asked for no metrics.
    public var quality: QualityScores?
    public var efficiency: Efficiency
    public var cost: Cost?
    public var resourceLimitsMode: ResourceLimitsMode
    public var scenario: String?
    public var encoder: VideoEncoder?
    public var resolution: Resolution?
    public var fps: Double?
    public var labels: [String: String]
    /// What produced this result (hardware, ffmpeg build, kernel, clocks, ffrtmp); nil from older agents.
    public var provenance: Provenance?
    /// Thermal throttling seen while the job ran; nil when nothing ran.
    public var throttling: Throttling?
    /// A target-quality job's search (its probes and chosen `crf`); nil for other jobs.
    public var targetSearch: TargetSearch?
    /// The SHA-256 (`SHA-256=<base64url>`) of the clip a `clip` input ran on, as the agent verified it.
    public var inputDigest: String?
    /// The output file kept in the object store (`keep_output`); nil when it was not kept.
    public var keptOutput: KeptOutput?

    // Regions and per-GPU slots (issue 12 items 11 and 13).
    /// The agent's `--region`; the master prices the job's energy by it. Nil from agents with none.
    public var region: String?
    /// The GPU a GPU job ran on, whose energy it was charged; nil for CPU jobs and older agents.
    public var gpu: GPUAssignment?

    public init(
        jobID: String, nodeID: String, attempt: Int, status: Status, error: String? = nil,
        rejectField: String? = nil, timings: Timings, ffmpeg: FFmpegStatistics? = nil, energy: EnergyReport? = nil,
        quality: QualityScores? = nil, efficiency: Efficiency = Efficiency(), cost: Cost? = nil,
        resourceLimitsMode: ResourceLimitsMode, scenario: String? = nil, encoder: VideoEncoder? = nil,
        resolution: Resolution? = nil, fps: Double? = nil, labels: [String: String] = [:]
    ) {
        self.jobID = jobID
        self.nodeID = nodeID
        self.attempt = attempt
        self.status = status
        self.error = error
        self.rejectField = rejectField
        self.timings = timings
        self.ffmpeg = ffmpeg
        self.energy = energy
        self.quality = quality
        self.efficiency = efficiency
        self.cost = cost
        self.resourceLimitsMode = resourceLimitsMode
        self.scenario = scenario
        self.encoder = encoder
        self.resolution = resolution
        self.fps = fps
        self.labels = labels
    }

    /// The result an agent publishes for a job validation refused. `jobID` must be a valid id
    /// (`rejection.jobID` when the message had one). Times are Unix nanoseconds.
    public static func rejected(
        _ rejection: JobRejection, jobID: String, nodeID: String, attempt: Int, queuedAt: Int64? = nil,
        finishedAt: Int64
    ) -> JobResult {
        JobResult(
            jobID: jobID, nodeID: nodeID, attempt: attempt, status: .rejected, error: rejection.description,
            rejectField: rejection.field.isEmpty ? nil : rejection.field,
            timings: Timings(queuedAt: queuedAt, finishedAt: finishedAt), resourceLimitsMode: .none)
    }

    /// `result.<node id>`.
    public var subject: String { Subjects.result(nodeID: nodeID) }

    /// How the attempt ended.
    public enum Status: String, WireEnum {
        case succeeded, failed, timeout, cancelled, rejected

        public static let wireKind = "result status"
    }

    enum CodingKeys: String, CodingKey {
        case attempt, status, error, timings, ffmpeg, energy, quality, efficiency, cost, scenario, encoder
        case resolution, fps, labels, provenance, throttling, region, gpu
        case messageVersion = "v"
        case jobID = "job_id"
        case nodeID = "node_id"
        case rejectField = "reject_field"
        case resourceLimitsMode = "resource_limits_mode"
        case targetSearch = "target_search"
        case inputDigest = "input_digest"
        case keptOutput = "kept_output"
    }
}

/// How the agent enforced the job's resource limits.
public enum ResourceLimitsMode: String, WireEnum {
    /// cgroup v2 `cpu.max` and `memory.max`.
    case cgroup
    /// nice and setrlimit.
    case rlimit
    /// Nothing but the timeout (also: the job never ran).
    case none

    public static let wireKind = "resource limits mode"
}
