import Model
import Support
import Synchronization

/// Measures energy for one agent and attributes it to its jobs (ENERGY.md). The caller drives it:
/// `sample(now:)` every `sampleIntervalSeconds` (≥ 1 Hz) and `readCounters(now:)` every
/// `counterReadIntervalSeconds`, each on its own thread (`EnergySamplingThread` does both), with
/// CLOCK_MONOTONIC times in ns; `begin` when a job's process starts and `end` when it exits.
/// `begin` and `end` take a sample themselves, so every interval lies wholly inside or outside a
/// job. Thread-safe. Two locks: samples (process CPU, GPU queries, attribution; an nvidia-smi run
/// holds it for its duration) and the RAPL counters, which nothing slow ever holds, so a slow GPU
/// query cannot stretch the time between two reads of a counter that wraps.
public final class EnergyMeter: Sendable {
    private let core: Mutex<MeterCore>
    /// RAPL sums, when counters are readable.
    private let counters: Mutex<RAPLAccumulator>?
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
    /// Counter reads are never planned closer than this (s).
    public static let minimumCounterReadInterval = 0.02

    /// Finds the sensors and logs one line saying what was found.
    public init(configuration: EnergyMeterConfiguration = EnergyMeterConfiguration()) throws(SupportError) {
        try configuration.validate()
        let core = MeterCore(configuration: configuration)
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
        core.withLock { $0.sample(now: now, rapl: counterTotals(at: now)) }
    }

    /// Starts following a job whose root process is `processID` (its whole tree is counted), or
    /// whose processes run in the cgroup at `cgroupPath` (relative to the cgroup root; exact).
    /// `gpus` are the GPUs it encodes on.
    public func begin(jobID: String, processID: Int32, cgroupPath: String? = nil, gpus: Set<Int> = [], at time: UInt64)
    {
        core.withLock {
            $0.begin(
                jobID: jobID, processID: processID, cgroupPath: cgroupPath, gpus: gpus, at: time,
                rapl: counterTotals(at: time))
        }
    }

    /// Stops following the job and returns its energy; nil for an unknown job. `cpuSeconds`, when
    /// given, is the root process's total CPU time from `wait4`'s rusage (user + system, its
    /// reaped children included), which covers the time since the last sample that /proc no
    /// longer shows once the process is reaped. Frames are the caller's: see `fillFrameFigures`.
    public func end(jobID: String, at time: UInt64, cpuSeconds: Double? = nil) -> EnergyReport? {
        core.withLock { $0.end(jobID: jobID, at: time, cpuSeconds: cpuSeconds, rapl: counterTotals(at: time)) }
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

    /// Jobs being followed.
    public var runningJobs: [String] { core.withLock { $0.jobs.keys.sorted() } }
}
