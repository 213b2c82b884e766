import Energy
import Model
import Support

#if canImport(Glibc)
    import Glibc
#endif

extension Agent {
    /// An agent that runs real ffmpeg, proves capabilities with probe encodes and reads the
    /// machine's power sensors (RAPL, NVML/nvidia-smi, else a labelled estimate).
    public static func production(config: AgentConfig, logger: Logger) throws -> Agent {
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let limiter = ResourceLimiter(
            configuration: ResourceLimitConfiguration(
                preference: config.limits, controlGroupRoot: config.cgroupRoot,
                controlGroupParent: config.cgroupParent, cores: cores))
        if let reason = limiter.controlGroupUnavailability {
            logger.info("job cgroups unavailable; limits use nice and rlimits", ["reason": reason])
        }
        let run = FFmpegRunConfiguration(
            ffmpegPath: config.ffmpegPath, workDirectory: config.workDirectory,
            minimumFreeBytes: config.minimumFreeBytes,
            allowedInputRoots: config.inputRoots + [config.clipCacheDirectory])
        let probe = HardwareProbeConfiguration(
            procRoot: config.procRoot, ffmpegPath: config.ffmpegPath,
            nvidiaSMIPath: config.nvidiaSMIPath ?? "nvidia-smi",
            nvmlLibraryPath: config.nvidiaSMIPath == nil ? nil : "libnvidia-ml.so.1",
            declaredCapabilities: config.declaredCapabilities)
        var energy = EnergyMeterConfiguration()
        energy.powercapRoot = config.powercapRoot
        energy.procRoot = config.procRoot
        energy.cgroupRoot = config.cgroupRoot
        energy.tdpWatts = config.tdpWatts
        energy.nvidia = config.nvidiaSMIPath.map { NVIDIASampler.Configuration(nvidiaSMIPath: $0) }
        energy.logger = Logger(component: "energy", sink: logger.sink)
        return try Agent(
            config: config, logger: logger, executor: FFmpegJobExecutor(configuration: run, limiter: limiter),
            nodeProbe: FFmpegNodeProbe(configuration: probe), meter: EnergyMeter(configuration: energy))
    }
}
