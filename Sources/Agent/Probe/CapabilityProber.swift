import Model

/// Proves each capability with a tiny encode (0.5 s of 256x144 testsrc2 to a discarded output)
/// built by `FFmpegCommandBuilder` exactly as a job would be: the encoder list alone proves
/// nothing (Debian's ffmpeg lists h264_nvenc on machines without a GPU). A failed probe keeps
/// the first line of ffmpeg's stderr, with the `@ 0x…` address dropped.
public struct CapabilityProber: Sendable {
    public var ffmpegPath: String
    public var timeoutSeconds: Double
    public var buildOptions: FFmpegBuildOptions

    public init(ffmpegPath: String = "ffmpeg", timeoutSeconds: Double = 15, buildOptions: FFmpegBuildOptions = .init())
    {
        self.ffmpegPath = ffmpegPath
        self.timeoutSeconds = timeoutSeconds
        self.buildOptions = buildOptions
    }

    /// The encoder each capability's probe uses.
    public static func probeEncoder(_ capability: Capability) -> VideoEncoder {
        switch capability {
        case .cpu: .libx264
        case .nvenc: .h264NVENC
        case .qsv: .h264QSV
        case .vaapi: .h264VAAPI
        }
    }

    /// `declared` (an operator's `--capabilities`): each listed capability is taken as proven
    /// without a probe, recorded as "declared by operator".
    public static func declared(_ capabilities: [Capability]) -> [CapabilityStatus] {
        capabilities.map { CapabilityStatus(name: $0, proven: true, probe: "declared by operator") }
    }

    /// The probe's invocation.
    public func invocation(_ capability: Capability) -> FFmpegInvocation {
        let job = Job(
            id: "probe-\(capability.rawValue)",
            input: .generated(
                GeneratedInput(
                    pattern: .testsrc2, resolution: Resolution(width: 256, height: 144), fps: 25,
                    durationSeconds: 0.5)),
            output: .null, encoder: Self.probeEncoder(capability))
        guard case .success(let spec) = JobValidator().validate(job) else {
            preconditionFailure("the probe job for \(capability) does not validate")
        }
        do {
            return try FFmpegCommandBuilder.build(
                spec: spec, workDirectory: "/", ffmpegPath: ffmpegPath, threads: 1, options: buildOptions)
        } catch {
            preconditionFailure("the probe job for \(capability) is refused: \(error)")
        }
    }

    /// Runs the probe for `capability`; `encoders` (ffmpeg's list) skips a probe that cannot work.
    public func probe(_ capability: Capability, encoders: [String]?) -> CapabilityStatus {
        let invocation = invocation(capability)
        let encoder = Self.probeEncoder(capability).rawValue
        var status = CapabilityStatus(name: capability, proven: false, probe: invocation.commandLine)
        if let encoders, !encoders.contains(encoder) {
            status.error = "ffmpeg has no \(encoder) encoder"
            return status
        }
        do {
            let capture = try ProcessCapture.run(invocation.launch(), timeoutSeconds: timeoutSeconds)
            if capture.outcome.succeeded {
                status.proven = true
            } else if capture.outcome.stopReason == .timedOut {
                status.error = "probe timed out after \(ArgumentText.number(timeoutSeconds)) s"
            } else {
                status.error =
                    capture.outcome.logTail.first.map(Self.withoutAddress)
                    ?? "ffmpeg \(capture.outcome.termination)"
            }
        } catch {
            status.error = error.isNotFound ? "ffmpeg not found (\(ffmpegPath))" : error.description
        }
        return status
    }

    /// `[h264_nvenc @ 0x55d…] Cannot load libcuda.so.1` → `[h264_nvenc] Cannot load libcuda.so.1`.
    static func withoutAddress(_ line: String) -> String {
        guard line.hasPrefix("["), let at = line.firstRange(of: " @ 0x"),
            let close = line[at.upperBound...].firstIndex(of: "]")
        else { return line }
        return String(line[..<at.lowerBound]) + String(line[close...])
    }
}
