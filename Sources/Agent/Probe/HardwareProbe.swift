import Energy
import Model

/// Where the hardware probe looks and what it proves.
public struct HardwareProbeConfiguration: Sendable, Equatable {
    /// procfs (`cpuinfo`, `meminfo`); tests point it at a fake.
    public var procRoot: String
    public var ffmpegPath: String
    public var nvidiaSMIPath: String
    public var nvmlLibraryPath: String?
    /// Per command: each probe encode, nvidia-smi, `ffmpeg -encoders`.
    public var timeoutSeconds: Double
    /// The capabilities to prove by probe encodes.
    public var capabilities: [Capability]
    /// `--capabilities`: taken as proven without probes ("declared by operator"); nil to probe.
    public var declaredCapabilities: [Capability]?
    public var buildOptions: FFmpegBuildOptions

    public init(
        procRoot: String = "/proc", ffmpegPath: String = "ffmpeg", nvidiaSMIPath: String = "nvidia-smi",
        nvmlLibraryPath: String? = "libnvidia-ml.so.1", timeoutSeconds: Double = 15,
        capabilities: [Capability] = Capability.allCases, declaredCapabilities: [Capability]? = nil,
        buildOptions: FFmpegBuildOptions = FFmpegBuildOptions()
    ) {
        self.procRoot = procRoot
        self.ffmpegPath = ffmpegPath
        self.nvidiaSMIPath = nvidiaSMIPath
        self.nvmlLibraryPath = nvmlLibraryPath
        self.timeoutSeconds = timeoutSeconds
        self.capabilities = capabilities
        self.declaredCapabilities = declaredCapabilities
        self.buildOptions = buildOptions
    }
}

/// What the node has and can prove, for heartbeats and for choosing the queues to pull.
public struct HardwareReport: Sendable, Equatable {
    public var hardware: Hardware
    /// Nil when ffmpeg did not answer.
    public var ffmpegVersion: String?
    /// ffmpeg's video encoders (a list, not a proof).
    public var encoders: [String]
    public var capabilities: [CapabilityStatus]

    /// The queues to pull: `job.<capability>` for each of these.
    public var provenCapabilities: [Capability] { capabilities.filter(\.proven).map(\.name) }
}

/// Probes the node once at agent start: CPU and RAM from procfs, GPUs from NVML/nvidia-smi,
/// ffmpeg's version and encoders, then one probe encode per capability (or the operator's
/// declaration).
public enum HardwareProbe {
    public static func probe(_ configuration: HardwareProbeConfiguration = HardwareProbeConfiguration())
        -> HardwareReport
    {
        let files = LiveSystemFiles()
        let cpu = CPUInfo.parse(files.read(configuration.procRoot + "/cpuinfo").text ?? "")
        let memory = MemoryInfo.totalMegabytes(files.read(configuration.procRoot + "/meminfo").text ?? "") ?? 0
        let gpus = GPUInventory.probe(
            nvidiaSMIPath: configuration.nvidiaSMIPath, nvmlLibraryPath: configuration.nvmlLibraryPath,
            timeoutSeconds: configuration.timeoutSeconds)
        let version = ffmpegOutput(["-hide_banner", "-version"], configuration).flatMap(FFmpegEncoderList.version)
        let encoders = ffmpegOutput(["-hide_banner", "-encoders"], configuration).map(FFmpegEncoderList.videoEncoders)
        let capabilities: [CapabilityStatus]
        if let declared = configuration.declaredCapabilities {
            capabilities = CapabilityProber.declared(declared)
        } else {
            let prober = CapabilityProber(
                ffmpegPath: configuration.ffmpegPath, timeoutSeconds: configuration.timeoutSeconds,
                buildOptions: configuration.buildOptions)
            capabilities = configuration.capabilities.map { prober.probe($0, encoders: encoders) }
        }
        return HardwareReport(
            hardware: Hardware(
                cpuModel: cpu.model, cores: cpu.cores, threads: cpu.threads, ramMegabytes: memory, gpus: gpus),
            ffmpegVersion: version, encoders: encoders ?? [], capabilities: capabilities)
    }

    /// ffmpeg's version and `configuration:` line (`ffmpeg -version`), for provenance.
    public static func ffmpegBuild(_ configuration: HardwareProbeConfiguration) -> (
        version: String?, configuration: String?
    ) {
        let output = ffmpegOutput(["-hide_banner", "-version"], configuration)
        return (output.flatMap(FFmpegEncoderList.version), output.flatMap(FFmpegEncoderList.configuration))
    }

    /// The quality metrics this ffmpeg can measure, from `ffmpeg -filters` (`FFmpegFilterList`).
    public static func qualityMetrics(_ configuration: HardwareProbeConfiguration) -> [QualityMetric] {
        FFmpegFilterList.qualityMetrics(ffmpegOutput(["-hide_banner", "-filters"], configuration))
    }

    /// ffmpeg's stdout for `arguments`, nil when it failed or is missing.
    private static func ffmpegOutput(_ arguments: [String], _ configuration: HardwareProbeConfiguration) -> String? {
        let launch = ProcessLaunch(executable: configuration.ffmpegPath, arguments: arguments)
        guard let capture = try? ProcessCapture.run(launch, timeoutSeconds: configuration.timeoutSeconds),
            capture.outcome.succeeded
        else { return nil }
        return capture.standardOutput
    }
}
