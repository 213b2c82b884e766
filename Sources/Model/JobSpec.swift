/// A job after validation: every field checked, the scenario preset expanded, explicit fields
/// applied over it and defaults filled in. This is all the agent builds ffmpeg's argv from.
public struct JobSpec: Sendable, Equatable {
    /// Where the video comes from, with nothing left to guess.
    public enum Input: Sendable, Equatable {
        /// A lavfi test source of this size, rate and length.
        case generated(pattern: GeneratedPattern, resolution: Resolution, fps: Double, durationSeconds: Double)
        /// An absolute, normalized path under an allowed root (the agent still checks symlinks
        /// with `PathRules.isUnder` after resolving it).
        case file(path: String)
        case url(String)
        /// An object of the `clips` bucket, its name checked by `ClipName`; the agent turns it into a
        /// file input once it has fetched and verified it.
        case clip(name: String)
    }

    /// How the encoder spends bits.
    public enum RateControl: Sendable, Equatable {
        /// Target bits per second.
        case bitrate(Int)
        /// The encoder's constant-quality setting (see `VideoEncoder.constantQualityRange`).
        case constantQuality(Int)
        /// Neither was given: the encoder's own default.
        case encoderDefault
    }

    public var id: String
    public var scenario: String?
    public var input: Input
    public var output: JobOutput
    public var encoder: VideoEncoder
    /// Nil only for encoders without presets (VA-API).
    public var preset: String?
    public var rateControl: RateControl
    /// Nil: keep the source's (file and URL inputs only; always set for generated input).
    public var resolution: Resolution?
    /// Nil: keep the source's (file and URL inputs only; always set for generated input).
    public var fps: Double?
    /// Keyframe interval in frames; nil only when the frame rate is unknown (encoder default).
    public var gop: Int?
    /// Seconds to encode; nil: the whole input.
    public var durationSeconds: Double?
    public var quality: Set<QualityMetric>
    public var cpuPercent: Int?
    public var memoryMegabytes: Int?
    public var timeoutSeconds: Int
    public var priority: Int
    public var labels: [String: String]
    public var submittedAt: Int64?
    /// The benchmark run this job belongs to (`Job.runID`), already checked as an `Identifier`.
    public var runID: String? = nil
    // Net energy (issue 12 item 3).
    /// Seconds of idle power to measure before the job (`Job.settleSeconds`); nil: none.
    public var settleSeconds: Double? = nil

    /// The node this job was sent to (`Job.node`), already checked as an `Identifier`; nil: any node.
    public var node: String? = nil

    // Target quality (issue 12 item 9).
    /// The score to reach by searching `crf`; its metric is in `quality`, and `rateControl` is the
    /// constant-quality setting of the first probe.
    public var targetQuality: QualityTarget? = nil
    /// Upload the output file to the `outputs` object store bucket, named by the job id (`Job.keepOutput`);
    /// only with a file output.
    public var keepOutput = false

    /// The queue this job runs from.
    public var capability: Capability { encoder.capability }

    /// Its capability's queue for its priority class, or `job.node.<node>.<capability>` for a job
    /// sent to one node.
    public var subject: String { Subjects.job(capability, node: node, priority: PriorityClass(priority: priority)) }

    /// The same job with every field explicit and no scenario lookup needed; validating it
    /// gives this spec back.
    public var job: Job {
        var bitrate: Int?
        var crf: Int?
        switch rateControl {
        case .bitrate(let value): bitrate = value
        case .constantQuality(let value): crf = value
        case .encoderDefault: break
        }
        var job = Job(
            id: id, scenario: scenario, input: jobInput, output: output, encoder: encoder, preset: preset,
            bitrate: bitrate, crf: crf, resolution: resolution, fps: fps, gop: gop, durationSeconds: durationSeconds,
            quality: quality.sorted(),
            limits: JobLimits(cpuPercent: cpuPercent, memoryMegabytes: memoryMegabytes, timeoutSeconds: timeoutSeconds),
            priority: priority, labels: labels, submittedAt: submittedAt, runID: runID, node: node)
        job.settleSeconds = settleSeconds
        if let targetQuality {
            job.targetQuality = targetQuality
            job.crf = nil
        }
        job.keepOutput = keepOutput ? true : nil
        return job
    }

    private var jobInput: JobInput {
        switch input {
        case .generated(let pattern, let resolution, let fps, let durationSeconds):
            .generated(
                GeneratedInput(pattern: pattern, resolution: resolution, fps: fps, durationSeconds: durationSeconds))
        case .file(let path): .file(path: path)
        case .url(let url): .url(url)
        case .clip(let name): .clip(name: name)
        }
    }
}
