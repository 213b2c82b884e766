/// A job as `ffrtmp submit`'s flags describe it, values still as typed (`3M`, `720p`, `10s`,
/// `generated:testsrc2`). `job(id:)` reads each value, refusing one it cannot read with an error that
/// names its flag; `JobValidator` then checks the job as an agent would. A matrix (`JobMatrix`)
/// sets some of these per job.
public struct JobDraft: Sendable, Equatable {
    public var scenario: String?
    public var encoder: String?
    public var preset: String?
    /// `WIDTHxHEIGHT` or a name such as `720p`.
    public var resolution: String?
    /// Bits per second with an optional k, M or G: `3M`, `2500k`, `800000`.
    public var bitrate: String?
    public var crf: String?
    /// `30`, `29.97` or `30000/1001`.
    public var fps: String?
    public var gop: String?
    /// `10`, `10s`, `1m30s`.
    public var duration: String?
    /// `generated[:PATTERN]`, `clip:NAME` (an object of the `clips` bucket), a URL (`srt://…`), else an
    /// absolute file path on the agent. Without it
    /// and without a scenario: 10 s (or `duration`) of generated testsrc2.
    public var input: String?
    /// `null`, a URL (`rtmp://…`), or a file name (`out.mp4`, `file:out.mp4`) in the agent's work dir.
    public var output: String?
    /// `psnr`, `ssim`, `vmaf` or several, comma-separated (`psnr,ssim`).
    public var quality: String?
    /// Wall-clock limit: `90s`, `5m`, `1h`.
    public var timeout: String?
    public var cpuPercent: String?
    public var memoryMegabytes: String?
    public var priority: String?
    /// `key=value` each.
    public var labels: [String] = []
    /// The run every job of the submission belongs to (`--name`).
    public var runID: String?
    /// `--target-ssim 0.95` (or `--target-psnr`, `--target-vmaf`): the flag and its value.
    public var target: TargetFlag?

    /// A quality target flag as typed.
    public struct TargetFlag: Sendable, Equatable {
        public var flag: String
        public var value: String

        public init(flag: String, value: String) {
            self.flag = flag
            self.value = value
        }
    }
    /// Keep the output in the `outputs` bucket (`--keep-output`); without `output`, the job writes `output.mp4`.
    public var keepOutput = false

    public init() {}

    /// The job these values describe, named `id`. Throws the first value that cannot be read.
    public func job(id: String, submittedAt: Int64? = nil) throws(JobDraftError) -> Job {
        var job = Job(id: id, scenario: scenario, preset: preset, submittedAt: submittedAt, runID: runID)
        job.encoder = try encoder.map { text throws(JobDraftError) in try Self.encoder(text, flag: "--encoder") }
        job.resolution = try resolution.map { text throws(JobDraftError) in
            try Self.resolution(text, flag: "--resolution")
        }
        job.bitrate = try bitrate.map { text throws(JobDraftError) in try Self.bitrate(text, flag: "--bitrate") }
        job.crf = try crf.map { text throws(JobDraftError) in try Self.integer(text, flag: "--crf") }
        job.fps = try fps.map { text throws(JobDraftError) in try Self.frameRate(text, flag: "--fps") }
        job.gop = try gop.map { text throws(JobDraftError) in try Self.integer(text, flag: "--gop") }
        job.durationSeconds = try duration.map { text throws(JobDraftError) in
            try Self.seconds(text, flag: "--duration")
        }
        job.input = try input.map { text throws(JobDraftError) in try Self.input(text, flag: "--input") }
        if input == nil && scenario == nil {
            // Flags alone: the presets' source, 10 s of testsrc2 unless --duration says otherwise.
            let seconds = job.durationSeconds == nil ? Scenario.defaultDurationSeconds : nil
            job.input = .generated(GeneratedInput(durationSeconds: seconds))
        }
        job.output = output.map(Self.output)
        if keepOutput {
            job.keepOutput = true
            job.output = job.output ?? .file(name: "output.mp4")
        }
        job.quality = try quality.map { text throws(JobDraftError) in try Self.quality(text, flag: "--quality") }
        job.priority = try priority.map { text throws(JobDraftError) in try Self.integer(text, flag: "--priority") }
        var limits = JobLimits()
        limits.timeoutSeconds = try timeout.map { text throws(JobDraftError) in
            Int(try Self.seconds(text, flag: "--timeout").rounded(.up))
        }
        limits.cpuPercent = try cpuPercent.map { text throws(JobDraftError) in
            try Self.integer(text, flag: "--cpu-percent")
        }
        limits.memoryMegabytes = try memoryMegabytes.map { text throws(JobDraftError) in
            try Self.integer(text, flag: "--memory-mb")
        }
        if limits != JobLimits() { job.limits = limits }
        if !labels.isEmpty { job.labels = try Self.labels(labels, flag: "--label") }
        job.targetQuality = try target.map { typed throws(JobDraftError) in
            try Self.target(typed.value, flag: typed.flag)
        }
        return job
    }

    /// The flag that sets a job field the validator names (`bitrate` → `--bitrate`,
    /// `input.path` → `--input`, a generated source's `input.fps` → `--fps`); nil for a field no flag sets.
    public static func flag(forField field: String) -> String? {
        switch field {
        case "input.resolution": return "--resolution"
        case "input.fps": return "--fps"
        case "input.duration_s": return "--duration"
        default: break
        }
        let head = String(field.prefix { $0 != "." && $0 != "[" })
        switch head {
        case "id": return "--id"
        case "duration_s": return "--duration"
        case "labels": return "--label"
        case "run_id": return "--name"
        case "keep_output": return "--keep-output"
        case "limits":
            switch field {
            case "limits.timeout_s": return "--timeout"
            case "limits.cpu_percent": return "--cpu-percent"
            case "limits.memory_mb": return "--memory-mb"
            default: return nil
            }
        case "scenario", "encoder", "preset", "resolution", "bitrate", "crf", "fps", "gop", "input", "output",
            "quality", "priority":
            return "--" + head
        default: return nil
        }
    }
}
