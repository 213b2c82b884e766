import Support

/// Settings of an agent's energy meter. Every path is configurable so tests point the meter at
/// fake sysfs, procfs and nvidia-smi; the defaults are the real locations.
public struct EnergyMeterConfiguration: Sendable {
    /// The powercap sysfs root holding `intel-rapl:*` zones.
    public var powercapRoot = "/sys/class/powercap"
    public var procRoot = "/proc"
    public var cgroupRoot = "/sys/fs/cgroup"
    /// USER_HZ; nil reads sysconf(_SC_CLK_TCK).
    public var clockTicksPerSecond: Double? = nil
    /// NVIDIA tools; nil leaves GPUs out.
    public var nvidia: NVIDIASampler.Configuration? = NVIDIASampler.Configuration()
    /// The CPU's TDP (W) for the estimate when no sensor exists; nil: 4 W per hardware thread.
    public var tdpWatts: Double? = nil
    /// Hardware threads for the estimate; nil reads sysconf(_SC_NPROCESSORS_ONLN).
    public var hardwareThreads: Int? = nil
    /// A GPU's idle power (W); nil learns it as the lowest seen with no encoder sessions and no job.
    public var gpuIdleWatts: Double? = nil
    /// Seconds between samples; at most 1. RAPL counters are read apart, as often as their ranges
    /// need (`EnergyMeter.counterReadIntervalSeconds`).
    public var sampleIntervalSeconds = 1.0
    /// The file layer (tests inject one that refuses reads).
    public var files: any SystemFileReading = LiveSystemFiles()
    public var logger = Logger(component: "energy")

    public init() {}

    /// Checks the settings; the error names the bad one.
    public func validate() throws(SupportError) {
        guard sampleIntervalSeconds > 0 && sampleIntervalSeconds <= 1 else {
            throw SupportError("energy sample interval must be > 0 and ≤ 1 s, got \(sampleIntervalSeconds)")
        }
        if let tdpWatts, !(tdpWatts > 0 && tdpWatts < 10_000) {
            throw SupportError("energy TDP must be between 0 and 10000 W, got \(tdpWatts)")
        }
        if let gpuIdleWatts, !(gpuIdleWatts >= 0 && gpuIdleWatts < 10_000) {
            throw SupportError("GPU idle power must be between 0 and 10000 W, got \(gpuIdleWatts)")
        }
        if let hardwareThreads, hardwareThreads <= 0 {
            throw SupportError("hardware threads must be positive, got \(hardwareThreads)")
        }
    }
}
