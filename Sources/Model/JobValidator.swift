/// Checks every field of a job before anything runs and expands it into a `JobSpec`: the
/// scenario preset first, explicit fields over it, then defaults. The first problem found is
/// returned as a `JobRejection` naming the field. Pure: the policy carries everything the
/// checks depend on.
///
/// Expansion rules, in order:
/// - `encoder`: explicit, else the scenario's; one of the two is required.
/// - `preset`: explicit (must be one of the encoder's); else the scenario's when the encoder is
///   the scenario's; else the encoder's default (so `1080p30-h264` with `h264_nvenc` gets `p4`).
/// - `bitrate`/`crf`: at most one explicitly; either replaces the scenario's bitrate; with
///   neither and no scenario the encoder's default rate control applies.
/// - `resolution`, `fps`: explicit, else the scenario's, else a generated source's own.
/// - `input`: explicit, else the scenario's generated source. A generated source without
///   resolution or fps takes the output's; without a duration it takes `duration_s`, then the
///   scenario's 10 s; it must end up with all three.
/// - `gop`: explicit, else two seconds of frames at the output rate.
/// - `input` of type `clip`: a `ClipName`; `keep_output` needs a file output.
/// - `output`: explicit, else `null`. `limits.timeout_s` and `priority` default from the policy.
public struct JobValidator: Sendable {
    public var policy: ValidationPolicy

    public init(policy: ValidationPolicy = ValidationPolicy()) {
        self.policy = policy
    }

    /// Validates a raw job message: size, JSON shape (depth, duplicate fields, non-finite
    /// numbers), decoding (unknown fields, types, version), then every field.
    public func validate(message: [UInt8]) -> Result<JobSpec, JobRejection> {
        guard message.count <= policy.maximumMessageBytes else {
            return .failure(
                JobRejection(
                    field: "", reason: "message is \(message.count) bytes; the limit is \(policy.maximumMessageBytes)"))
        }
        do {
            try JSONShape.check(message, maximumDepth: policy.maximumNestingDepth)
        } catch {
            // A duplicated id names no job for certain.
            let jobID = error.path == "id" ? nil : Self.probeID(message)
            return .failure(JobRejection(field: error.path, reason: error.reason, jobID: jobID))
        }
        let job: Job
        do {
            job = try MessageCoding.decode(Job.self, from: message)
        } catch {
            return .failure(JobRejection(field: error.field, reason: error.reason, jobID: Self.probeID(message)))
        }
        return validate(job)
    }

    /// Validates a decoded job.
    public func validate(_ job: Job) -> Result<JobSpec, JobRejection> {
        do {
            return .success(try expand(job))
        } catch {
            var rejection = error
            rejection.jobID = Identifier.isValid(job.id) ? job.id : nil
            return .failure(rejection)
        }
    }

    private func expand(_ job: Job) throws(JobRejection) -> JobSpec {
        try require(Identifier.violation(job.id), "id")
        let base = try scenario(job.scenario)
        guard let encoder = job.encoder ?? base?.encoder else {
            throw JobRejection(field: "encoder", reason: "required: name an encoder or a scenario")
        }
        let duration = try checkedIfPresent(job.durationSeconds, policy.durations, "duration_s")
        var resolution = try checkedIfPresent(job.resolution, "resolution") ?? base?.resolution
        var fps = try checkedIfPresent(job.fps, policy.frameRates, "fps") ?? base?.fps
        let input = try input(job.input, base: base, resolution: resolution, fps: fps, duration: duration)
        var sourceDuration: Double?
        if case .generated(_, let generatedResolution, let generatedFPS, let generatedDuration) = input {
            resolution = resolution ?? generatedResolution
            fps = fps ?? generatedFPS
            sourceDuration = generatedDuration
        }
        let limits = job.limits ?? JobLimits()
        var spec = JobSpec(
            id: job.id, scenario: job.scenario, input: input, output: try output(job.output ?? .null),
            encoder: encoder, preset: try preset(job.preset, encoder: encoder, base: base),
            rateControl: try rateControl(job, encoder: encoder, base: base), resolution: resolution, fps: fps,
            gop: try checkedIfPresent(job.gop, policy.gops, "gop") ?? fps.map(Scenario.gop),
            durationSeconds: duration ?? sourceDuration, quality: try quality(job.quality ?? []),
            cpuPercent: try checkedIfPresent(limits.cpuPercent, 1...policy.maximumCPUPercent, "limits.cpu_percent"),
            memoryMegabytes: try checkedIfPresent(limits.memoryMegabytes, policy.memoryMegabytes, "limits.memory_mb"),
            timeoutSeconds: try checked(
                limits.timeoutSeconds ?? policy.defaultTimeoutSeconds, policy.timeouts, "limits.timeout_s"),
            priority: try checked(job.priority ?? policy.defaultPriority, policy.priorities, "priority"),
            labels: try labels(job.labels ?? [:]),
            submittedAt: try checkedIfPresent(job.submittedAt, 0...Int64.max, "submitted_at"),
            runID: try identifier(job.runID, "run_id"), node: try identifier(job.node, "node"))
        spec.settleSeconds = try checkedIfPresent(job.settleSeconds, policy.settleSeconds, "settle_s")
        if let target = job.targetQuality { try apply(target, to: &spec, job: job) }
        spec.keepOutput = job.keepOutput ?? false
        if spec.keepOutput {
            guard case .file = spec.output else {
                throw JobRejection(field: "keep_output", reason: "needs a file output (output type file) to keep")
            }
        }
        return spec
    }

    /// A run id or a node follows the job id's rules: it names the run in URLs and file names, the
    /// node in subjects.
    private func identifier(_ text: String?, _ field: String) throws(JobRejection) -> String? {
        guard let text else { return nil }
        try require(Identifier.violation(text), field)
        return text
    }

    /// The id, when a message that failed to decode still has a valid one.
    private static func probeID(_ message: [UInt8]) -> String? {
        struct Probe: Decodable { var id: String? }
        guard let id = (try? MessageCoding.decode(Probe.self, from: message))?.id else { return nil }
        return Identifier.isValid(id) ? id : nil
    }
}
