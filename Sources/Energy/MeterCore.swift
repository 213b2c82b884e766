import Model
import Support

/// Energy totals of one domain since the meter started: what was measured, and what no job was
/// given. Σ jobs + unattributed = measured (docs/energy.md's invariant).
public struct DomainTotals: Sendable, Equatable {
    public var measuredJoules = 0.0
    public var unattributedJoules = 0.0
    public var intervals = 0
    public var gaps = 0
    public var wraps = 0
}

/// A job the meter follows from `begin` to `end`.
struct TrackedJob {
    let id: String
    let processID: Int32
    /// The root process's start time, so a reused pid is not mistaken for the job.
    let startTicks: UInt64?
    let cgroupPath: String?
    let gpus: Set<Int>
    let beganAt: UInt64
    var endedAt: UInt64?
    /// Cumulative CPU seconds (process tree or cgroup) at the last sample; nil before the first.
    var cpuSeconds: Double?
    /// CPU seconds the caller measured at the end (wait4's rusage of the root process).
    var finalCPUSeconds: Double?
    /// The tree's pids at the last sample, for per-process GPU samples.
    var processIDs: Set<Int32> = []
    var ledger: JobEnergyLedger

    /// "CPU-time share via …": where c_jk came from.
    var cpuTimeMethod: String {
        cgroupPath == nil ? "CPU-time share (process tree from /proc)" : "CPU-time share (cgroup cpu.stat, exact)"
    }

    /// o_jk: the part of [start, end] the job was alive.
    func aliveFraction(from start: UInt64, to end: UInt64) -> Double {
        let from = max(start, beganAt)
        let to = min(end, endedAt ?? end)
        guard end > start, to > from else { return 0 }
        return Double(to - from) / Double(end - start)
    }
}

/// One GPU as the meter integrates it.
struct GPUChannel {
    let gpu: NVIDIASampler.GPU
    var integrator: GPUEnergyIntegrator
    /// P_idle: configured, or the lowest interval power seen with no encoder sessions and no job.
    var idleWatts: Double?
    let idleConfigured: Bool

    var domain: String { "gpu\(gpu.index)" }
}

/// The meter's state and logic, not thread-safe; `EnergyMeter` wraps it in a mutex. Each sample
/// is handed the RAPL sums at its time; the counters themselves are read apart (`RAPLAccumulator`).
struct MeterCore {
    let configuration: EnergyMeterConfiguration
    let cpuReader: ProcessCPUReader
    let rapl: RAPLReader
    /// True when RAPL counters are read (by `EnergyMeter`'s `RAPLAccumulator`, off this lock).
    let usesRAPL: Bool
    /// The RAPL sums at the last sample.
    var previousRAPL: [String: RAPLTotals]?
    /// Set when no RAPL counter can be read.
    let estimate: CPUPowerEstimate?
    /// The GPUs found at start; nil when NVIDIA tools are off.
    let nvidia: GPUInventory?
    var gpuChannels: [GPUChannel]
    var jobs: [String: TrackedJob] = [:]
    var previousTime: UInt64?
    var previousHost: HostCPUTimes?
    /// u of the last interval whose host counters moved.
    var lastUtilization: Double?
    var totals: [String: DomainTotals] = [:]
    var lastIntervals: [IntervalAttribution] = []
    /// Where each domain's last interval came from (rapl, nvml-energy, estimated, …).
    var lastSources: [String: EnergyReport.Source] = [:]

    mutating func begin(
        jobID: String, processID: Int32, cgroupPath: String?, gpus: Set<Int>, at time: UInt64,
        rapl: [String: RAPLTotals]?, gpu: GPUBatch?
    ) {
        guard jobs[jobID] == nil else {
            configuration.logger.warning("energy: job already tracked", ["job": jobID])
            return
        }
        jobs[jobID] = TrackedJob(
            id: jobID, processID: processID, startTicks: cpuReader.process(processID)?.startTicks,
            cgroupPath: cgroupPath, gpus: gpus, beganAt: time, ledger: JobEnergyLedger(beganAt: time))
        sample(now: time, rapl: rapl, gpu: gpu)
    }

    mutating func end(
        jobID: String, at time: UInt64, cpuSeconds: Double?, rapl: [String: RAPLTotals]?, gpu: GPUBatch?
    ) -> EnergyReport? {
        guard var job = jobs[jobID] else { return nil }
        job.endedAt = max(time, job.beganAt)
        job.finalCPUSeconds = cpuSeconds
        jobs[jobID] = job
        sample(now: time, rapl: rapl, gpu: gpu)
        guard let finished = jobs.removeValue(forKey: jobID) else { return nil }
        return finished.ledger.report(endedAt: finished.endedAt ?? time)
    }
}
