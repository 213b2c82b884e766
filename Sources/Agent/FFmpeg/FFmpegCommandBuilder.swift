import Model

/// Settings of the node that shape argv but are not the job's.
public struct FFmpegBuildOptions: Sendable, Equatable {
    /// The DRM render node VA-API encoders use.
    public var vaapiDevice: String
    /// `-rw_timeout` for stream inputs: a stalled source fails the job instead of hanging it.
    public var streamReadTimeoutSeconds: Int
    /// `-re` on generated and file inputs when the output is a stream, so a live server gets
    /// real-time video rather than a burst (the benchmark case, null output, runs flat out).
    public var paceStreamOutputs: Bool
    /// The GPU an NVENC encoder runs on (`-gpu N`, nvidia-smi's index); nil: the driver's choice.
    public var gpu: Int?

    public init(
        vaapiDevice: String = "/dev/dri/renderD128", streamReadTimeoutSeconds: Int = 10, paceStreamOutputs: Bool = true,
        gpu: Int? = nil
    ) {
        self.vaapiDevice = vaapiDevice
        self.streamReadTimeoutSeconds = streamReadTimeoutSeconds
        self.paceStreamOutputs = paceStreamOutputs
        self.gpu = gpu
    }
}

/// Builds ffmpeg's argv for a validated job. Pure. Every element is a constant, an enum's raw
/// value, a number formatted here, the job's validated URL, its normalized input path or a
/// path in the work directory made from its validated output name, and each of those is one
/// whole element (never spliced into a filter graph or option string), so nothing from the job
/// can add an option, a filter or a protocol. What ffmpeg 5.1 cannot deliver is refused with a
/// `JobRejection` (a `rejected` result; see `FFmpegCommandBuilder+Output`).
///
/// Order: global options, `-vaapi_device` (VA-API), input options and `-i`, `-t` (when it
/// shortens the input), `-map 0:V:0 -an` (first video stream that is not cover art, no audio),
/// `-vf` (rate, size, VA-API upload), `-c:v` and the encoder's options, `-g`, `-r`, `-pix_fmt`,
/// `-threads`, then the output's format and target.
public enum FFmpegCommandBuilder {
    /// Quiet except errors, no keyboard, no banner, no status lines; progress as key=value
    /// blocks on stdout.
    public static let globalArguments = [
        "-nostdin", "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-y",
    ]

    public static func build(
        spec: JobSpec, workDirectory: String, ffmpegPath: String = "ffmpeg", threads: Int? = nil,
        options: FFmpegBuildOptions = FFmpegBuildOptions()
    ) throws(JobRejection) -> FFmpegInvocation {
        precondition(workDirectory.hasPrefix("/"), "the work directory must be absolute: \(workDirectory)")
        if let preset = spec.preset, !spec.encoder.presets.contains(preset) {
            throw JobRejection(field: "preset", reason: "is not one of \(spec.encoder.rawValue)'s presets")
        }
        if case .clip = spec.input {
            // The agent replaces a clip with its fetched file before the run; one left means no fetch happened.
            throw JobRejection(field: "input", reason: "a clip input must be fetched before ffmpeg runs")
        }
        let output = try outputPlan(spec, workDirectory: workDirectory)
        var argv = [ffmpegPath] + globalArguments
        if spec.encoder.capability == .vaapi { argv += ["-vaapi_device", options.vaapiDevice] }
        argv += inputArguments(spec, paced: output.isStream && options.paceStreamOutputs, options: options)
        if let duration = outputDuration(spec) { argv += ["-t", ArgumentText.number(duration)] }
        argv += ["-map", "0:V:0", "-an"]
        let filters = shapingFilters(spec) + FFmpegEncoderOptions.hardwareFilters(spec.encoder)
        if !filters.isEmpty { argv += ["-vf", filters.joined(separator: ",")] }
        argv += ["-c:v", spec.encoder.rawValue]
        argv += FFmpegEncoderOptions.presetArguments(spec.encoder, preset: spec.preset)
        argv += FFmpegEncoderOptions.rateArguments(spec.encoder, spec.rateControl)
        if let gpu = options.gpu, spec.encoder.capability == .nvenc, gpu >= 0 { argv += ["-gpu", String(gpu)] }
        if let gop = spec.gop { argv += ["-g", String(gop)] }
        if let fps = spec.fps { argv += ["-r", ArgumentText.number(fps)] }
        if let pixelFormat = FFmpegEncoderOptions.pixelFormat(spec.encoder) { argv += ["-pix_fmt", pixelFormat] }
        if let threads { argv += ["-threads", String(max(1, threads))] }
        argv += output.arguments
        return FFmpegInvocation(
            argv: argv, environment: FFmpegEncoderOptions.environment(spec.encoder), workDirectory: workDirectory,
            outputPath: output.path, temporaryFiles: output.path.map { [$0] } ?? [])
    }

    /// `-t` after the input: the job's duration when it is shorter than a generated source, or
    /// for file and stream inputs (whose length is theirs).
    static func outputDuration(_ spec: JobSpec) -> Double? {
        guard let duration = spec.durationSeconds else { return nil }
        if case .generated(_, _, _, let sourceDuration) = spec.input, duration >= sourceDuration { return nil }
        return duration
    }

    /// The filters that make the source the job's shape, also applied to the reference when
    /// quality is measured: `fps=F` when the job's rate differs from a generated source's (or
    /// always for a file or stream, whose rate is not known here), then `scale=W:H` likewise for
    /// the size. The fps filter, not `-r` alone: `-r` leaves frames untouched for muxers that
    /// take variable rates (Matroska) and keeps one frame too many when it drops (31 of 2 s at
    /// 15 fps); `-r` still follows, setting the encoder's rate. Either filter passes frames that
    /// already fit through.
    static func shapingFilters(_ spec: JobSpec) -> [String] {
        var filters: [String] = []
        var sourceFPS: Double?
        var sourceResolution: Resolution?
        if case .generated(_, let resolution, let fps, _) = spec.input {
            sourceFPS = fps
            sourceResolution = resolution
        }
        if let fps = spec.fps, fps != sourceFPS { filters.append("fps=\(ArgumentText.number(fps))") }
        if let resolution = spec.resolution, resolution != sourceResolution {
            filters.append("scale=\(resolution.width):\(resolution.height)")
        }
        return filters
    }
}
