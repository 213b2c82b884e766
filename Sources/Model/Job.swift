/// A transcoding job as a user submits it on `job.<capability>`: a scenario preset, explicit
/// fields, or both (explicit fields override the preset). Nothing here has been checked yet:
/// `JobValidator` turns a `Job` into a `JobSpec` or a `JobRejection`.
///
/// Decoding refuses unknown fields at every level (a misspelt `bitrat` must not silently run a
/// different job) and any `"v"` other than 1. `null` counts as absent. There is no `attempt`
/// field: the agent takes the attempt from the broker's delivery count and events and results
/// carry it.
public struct Job: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    /// Chosen by the submitter (a ULID or UUID fits); see `Identifier`. Also sent as
    /// `Nats-Msg-Id` so a re-submit is de-duplicated.
    public var id: String
    /// A preset from `ScenarioCatalog`, e.g. `1080p60-h265`.
    public var scenario: String?
    public var input: JobInput?
    public var output: JobOutput?
    public var encoder: VideoEncoder?
    /// One of `encoder.presets`.
    public var preset: String?
    /// Target bitrate in bits per second; give this or `crf`, not both.
    public var bitrate: Int?
    /// Constant-quality value in the encoder's range (`VideoEncoder.constantQualityRange`).
    public var crf: Int?
    /// Output frame size; nil: the source's.
    public var resolution: Resolution?
    /// Output frame rate; nil: the source's.
    public var fps: Double?
    /// Keyframe interval in frames; nil: two seconds of frames.
    public var gop: Int?
    /// Seconds to encode: a generated source's length, else a cap on the output (`-t`).
    public var durationSeconds: Double?
    /// Metrics to compute after the encode.
    public var quality: [QualityMetric]?
    public var limits: JobLimits?
    /// 0 (lowest) to 9 (highest); nil: the policy's default (5).
    public var priority: Int?
    /// Free-form tags copied to the result (`"run": "nightly"`).
    public var labels: [String: String]?
    /// When the submitter sent it, Unix nanoseconds.
    public var submittedAt: Int64?
    /// The benchmark run (campaign) this job belongs to, `ffrtmp submit --name`: an id the master
    /// groups jobs and results by. The agent runs the job the same with or without it.
    public var runID: String?
    // Net energy (issue 12 item 3).
    /// Seconds the agent measures idle power before the job (`settle_s`), for `e_net_j`.
    public var settleSeconds: Double?

    // Routing (issue 12 item 5).
    /// The node that must run this job, `ffrtmp submit --node`: the job goes to
    /// `job.node.<node>.<capability>`, which only that agent pulls. nil: any agent with the capability.
    public var node: String?

    // Target quality (issue 12 item 9).
    /// A score the agent reaches by searching `crf` (`QualityTarget`); nil: encode as given.
    public var targetQuality: QualityTarget?
    // Clips and kept outputs (issue 12 item 12).
    /// Upload the output file to the `outputs` object store bucket under the job id, `ffrtmp submit
    /// --keep-output`; needs a file output. nil: false.
    public var keepOutput: Bool?

    public init(
        id: String, scenario: String? = nil, input: JobInput? = nil, output: JobOutput? = nil,
        encoder: VideoEncoder? = nil, preset: String? = nil, bitrate: Int? = nil, crf: Int? = nil,
        resolution: Resolution? = nil, fps: Double? = nil, gop: Int? = nil, durationSeconds: Double? = nil,
        quality: [QualityMetric]? = nil, limits: JobLimits? = nil, priority: Int? = nil,
        labels: [String: String]? = nil, submittedAt: Int64? = nil, runID: String? = nil, node: String? = nil
    ) {
        self.id = id
        self.scenario = scenario
        self.input = input
        self.output = output
        self.encoder = encoder
        self.preset = preset
        self.bitrate = bitrate
        self.crf = crf
        self.resolution = resolution
        self.fps = fps
        self.gop = gop
        self.durationSeconds = durationSeconds
        self.quality = quality
        self.limits = limits
        self.priority = priority
        self.labels = labels
        self.submittedAt = submittedAt
        self.runID = runID
        self.node = node
    }

    /// The capability queue this job belongs on, from its encoder or its scenario's; nil when
    /// it names neither (or an unknown scenario), which the validator refuses.
    public var capability: Capability? {
        (encoder ?? scenario.flatMap(ScenarioCatalog.named)?.encoder)?.capability
    }

    /// The subject this job is queued on: its capability's queue for its priority class, or
    /// `job.node.<node>.<capability>` when it names a node; nil without a capability.
    public var subject: String? {
        capability.map { Subjects.job($0, node: node, priority: PriorityClass(priority: priority)) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, scenario, input, output, encoder, preset, bitrate, crf, resolution, fps, gop, quality, limits
        case priority, labels, node
        case messageVersion = "v"
        case durationSeconds = "duration_s"
        case submittedAt = "submitted_at"
        case runID = "run_id"
        case settleSeconds = "settle_s"
        case targetQuality = "target_quality"
        case keepOutput = "keep_output"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageVersion = try container.required(MessageVersion.self, .messageVersion)
        id = try container.required(String.self, .id)
        scenario = try container.field(String.self, .scenario)
        input = try container.field(JobInput.self, .input)
        output = try container.field(JobOutput.self, .output)
        encoder = try container.field(VideoEncoder.self, .encoder)
        preset = try container.field(String.self, .preset)
        bitrate = try container.field(Int.self, .bitrate)
        crf = try container.field(Int.self, .crf)
        resolution = try container.field(Resolution.self, .resolution)
        fps = try container.field(Double.self, .fps)
        gop = try container.field(Int.self, .gop)
        durationSeconds = try container.field(Double.self, .durationSeconds)
        quality = try container.field([QualityMetric].self, .quality)
        limits = try container.field(JobLimits.self, .limits)
        priority = try container.field(Int.self, .priority)
        labels = try container.field([String: String].self, .labels)
        submittedAt = try container.field(Int64.self, .submittedAt)
        runID = try container.field(String.self, .runID)
        settleSeconds = try container.field(Double.self, .settleSeconds)
        node = try container.field(String.self, .node)
        targetQuality = try container.field(QualityTarget.self, .targetQuality)
        keepOutput = try container.field(Bool.self, .keepOutput)
    }
}
