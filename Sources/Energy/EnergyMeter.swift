import Model
import Support
import Synchronization

/// Measures energy for one agent and attributes it to its jobs (docs/energy.md). The caller drives it:
/// `sample(now:)` every `sampleIntervalSeconds` (≥ 1 Hz), `readCounters(now:)` every
/// `counterReadIntervalSeconds` and `readGPUs()` continually, each on its own thread
/// (`EnergySamplingThread` runs all three), with CLOCK_MONOTONIC times in ns; `begin` when a job's
/// process starts and `end` when it exits. `begin` and `end` take a sample themselves, so every
/// interval lies wholly inside or outside a job. Thread-safe, with a lock each for samples, RAPL
/// counters and the GPU tools: a slow GPU query (nvidia-smi can take seconds) holds only the last,
/// so it never stretches the time between two reads of a counter that wraps, nor delays a sample
/// or a job's start and end. Without a GPU thread, samples query the GPUs themselves.
public final class EnergyMeter: Sendable {
    private let core: Mutex<MeterCore>
    /// RAPL sums, when counters are readable.
    private let counters: Mutex<RAPLAccumulator>?
    /// The NVIDIA tools, used by one reader at a time: the GPU thread once it runs, else the sample.
    private let gpuSampler: Mutex<NVIDIASampler>?
    /// What the GPU thread read since the last sample.
    private let gpuFeed = Mutex(GPUFeed())
    /// The newest GPU readings, for telemetry.
    private let latestGPUs = Mutex<[GPUReading]>([])
    /// `rapl`, `nvml`, `nvidia-smi`, `estimated`: for heartbeats.
    public let availableSources: [String]
    /// The RAPL counters' state (`permission-denied` carries the fix).
    public let cpuSensorStatus: SensorStatus
    /// The GPUs' state (`absent` on a machine without NVIDIA).
    public let gpuSensorStatus: SensorStatus
    /// The configured period between samples (s).
    public let sampleIntervalSeconds: Double
    /// The period between RAPL reads (s): a quarter of the shortest zone's safe interval, between
    /// `minimumCounterReadInterval` and the sample interval.
    public let counterReadIntervalSeconds: Double
    /// True when there are GPUs to read (`EnergySamplingThread` then runs a GPU thread).
    public let hasGPUs: Bool
    /// Counter reads are never planned closer than this (s).
    public static let minimumCounterReadInterval = 0.02

    /// Finds the sensors and logs one line saying what was found.
    public init(configuration: EnergyMeterConfiguration = EnergyMeterConfiguration()) throws(SupportError) {
        try configuration.validate()
        let sampler = configuration.nvidia.map { NVIDIASampler(configuration: $0) }
        let core = MeterCore(configuration: configuration, nvidia: sampler.map(GPUInventory.init))
        availableSources = core.availableSources
        cpuSensorStatus = core.rapl.status
        gpuSensorStatus = core.nvidia?.status ?? .absent
        sampleIntervalSeconds = configuration.sampleIntervalSeconds
        let accumulator = core.usesRAPL ? RAPLAccumulator(reader: core.rapl) : nil
        counterReadIntervalSeconds = min(
            configuration.sampleIntervalSeconds,
            max(Self.minimumCounterReadInterval, (accumulator?.shortestSafeSeconds ?? .infinity) / 4))
        core.logSensors()
        self.core = Mutex(core)
        if let accumulator { counters = Mutex(accumulator) } else { counters = nil }
        hasGPUs = !(sampler?.gpus.isEmpty ?? true)
        if let sampler, hasGPUs { gpuSampler = Mutex(sampler) } else { gpuSampler = nil }
    }

    /// From now on samples take the GPU thread's readings (`readGPUs()`) and never query the GPUs
    /// themselves; called before the GPU thread starts, so that no sample waits for its first query.
    public func readGPUsApart() {
        gpuFeed.withLock { $0.isPolled = true }
    }

    /// Queries the GPUs now (the GPU thread's work: an nvidia-smi run can take seconds). From the
    /// first call on, samples take these readings instead of querying the GPUs themselves.
    public func readGPUs() {
        let read = gpuSampler?.withLock { sampler in (sampler.read(), sampler.readProcessUtilization()) }
        guard let (readings, processUse) = read else { return }
        let time = Clock.monotonicNanoseconds()
        latestGPUs.withLock { $0 = readings }
        gpuFeed.withLock { $0.add(readings, processUse: processUse, at: time) }
    }

    /// The GPU readings for a sample at `time`: those the GPU thread took since the last sample, or,
    /// when no GPU thread runs, one query now.
    private func gpuBatch(at time: UInt64) -> GPUBatch? {
        guard hasGPUs else { return nil }
        if let polled = gpuFeed.withLock({ feed in feed.isPolled ? feed.take() : nil }) { return polled }
        let batch = gpuSampler?.withLock { sampler in
            GPUBatch(readings: [(time, sampler.read())], processUse: sampler.readProcessUtilization())
        }
        if let readings = batch?.readings.last?.gpus { latestGPUs.withLock { $0 = readings } }
        return batch
    }

    /// Reads the RAPL counters now (the counter thread's work; cheap, never blocked by a sample).
    public func readCounters(now: UInt64) {
        counters?.withLock { $0.read(at: now) }
    }

    /// The RAPL sums at `time`, read now when nothing later was read.
    private func counterTotals(at time: UInt64) -> [String: RAPLTotals]? {
        counters?.withLock { $0.totals(at: time) }
    }

    /// Closes the interval since the last sample and attributes it.
    public func sample(now: UInt64) {
        core.withLock { $0.sample(now: now, rapl: counterTotals(at: now), gpu: gpuBatch(at: now)) }
    }

    /// Starts following a job whose root process is `processID` (its whole tree is counted), or
    /// whose processes run in the cgroup at `cgroupPath` (relative to the cgroup root; exact).
    /// `gpus` are the GPUs it encodes on.
    public func begin(jobID: String, processID: Int32, cgroupPath: String? = nil, gpus: Set<Int> = [], at time: UInt64)
    {
        core.withLock {
            $0.begin(
                jobID: jobID, processID: processID, cgroupPath: cgroupPath, gpus: gpus, at: time,
                rapl: counterTotals(at: time), gpu: gpuBatch(at: time))
        }
    }

    /// Stops following the job and returns its energy; nil for an unknown job. `cpuSeconds`, when
    /// given, is the root process's total CPU time from `wait4`'s rusage (user + system, its
    /// reaped children included), which covers the time since the last sample that /proc no
    /// longer shows once the process is reaped. Frames are the caller's: see `fillFrameFigures`.
    public func end(jobID: String, at time: UInt64, cpuSeconds: Double? = nil) -> EnergyReport? {
        core.withLock {
            $0.end(
                jobID: jobID, at: time, cpuSeconds: cpuSeconds, rapl: counterTotals(at: time),
                gpu: gpuBatch(at: time))
        }
    }

    /// Per domain: measured and unattributed joules since start.
    public var totals: [String: DomainTotals] { core.withLock { $0.totals } }

    /// How the last interval was split, per domain.
    public var lastIntervals: [IntervalAttribution] { core.withLock { $0.lastIntervals } }

    /// Power per domain over the last interval (W), for telemetry.
    public var lastPowerWatts: [String: Double] {
        core.withLock { core in
            var power: [String: Double] = [:]
            for interval in core.lastIntervals where interval.seconds > 0 {
                power[interval.domain] = interval.joules / interval.seconds
            }
            return power
        }
    }

    /// Average watts of each domain over the last interval, with where the figure came from (for
    /// telemetry).
    public var lastReadings: [(domain: String, watts: Double, source: EnergyReport.Source)] {
        core.withLock { core in
            core.lastIntervals.filter { $0.seconds > 0 }.map {
                ($0.domain, $0.joules / $0.seconds, core.lastSources[$0.domain] ?? .estimated)
            }
        }
    }

    /// The GPUs as last read (temperature, memory, encoder and decoder use…); empty before the
    /// first read or without GPUs.
    public var latestGPUReadings: [GPUReading] { latestGPUs.withLock { $0 } }

    /// Jobs being followed.
    public var runningJobs: [String] { core.withLock { $0.jobs.keys.sorted() } }
}
