import Energy
import Model

/// Watches one job for thermal throttling: the CPUs' throttle counters and, for a job on GPUs,
/// nvidia-smi's clock-throttle reasons, read when the job starts and again when it ends.
struct JobThrottleWatch {
    let sysRoot: String
    /// nvidia-smi to ask; nil when the job uses no GPU.
    let nvidiaSMIPath: String?
    let gpus: Set<Int>
    let counters: ThermalThrottleCounters
    let gpuReasons: [Int: [String]]?

    init(sysRoot: String, nvidiaSMIPath: String?, gpus: Set<Int>) {
        self.sysRoot = sysRoot
        self.nvidiaSMIPath = gpus.isEmpty ? nil : nvidiaSMIPath
        self.gpus = gpus
        counters = ThermalThrottleCounters.read(sysRoot: sysRoot)
        gpuReasons = self.nvidiaSMIPath.flatMap { NVIDIAThrottleReasons.query(nvidiaSMIPath: $0) }
    }

    /// What changed since the start. GPU reasons: those of the job's GPUs at start or end, less
    /// `gpu_idle`; nil when nvidia-smi answered neither time.
    func finish() -> Throttling {
        let events = ThermalThrottleCounters.read(sysRoot: sysRoot).events(since: counters)
        let ending = nvidiaSMIPath.flatMap { NVIDIAThrottleReasons.query(nvidiaSMIPath: $0) }
        var reasons: [String]?
        if gpuReasons != nil || ending != nil {
            let seen = [gpuReasons, ending].compactMap { $0 }.flatMap { readings in
                gpus.flatMap { readings[$0] ?? [] }
            }
            reasons = Set(seen).subtracting(["gpu_idle"]).sorted()
        }
        return Throttling(cpuCoreEvents: events.core, cpuPackageEvents: events.package, gpuReasons: reasons)
    }
}
