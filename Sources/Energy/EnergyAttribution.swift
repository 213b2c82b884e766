/// A job's part in one sampling interval, as the splitting formulas need it.
public struct JobIntervalShare: Sendable, Equatable {
    public var jobID: String
    /// c_jk: CPU seconds of the job's process tree (or cgroup) in the interval.
    public var cpuSeconds: Double
    /// o_jk: the fraction of the interval the job was alive (0…1).
    public var aliveFraction: Double
    /// GPUs the job was started on.
    public var gpus: Set<Int>
    /// Σ (enc + dec + sm) of the job's processes per GPU, when per-process samples exist.
    public var gpuWeights: [Int: Double]

    public init(
        jobID: String, cpuSeconds: Double, aliveFraction: Double, gpus: Set<Int> = [], gpuWeights: [Int: Double] = [:]
    ) {
        self.jobID = jobID
        self.cpuSeconds = cpuSeconds
        self.aliveFraction = aliveFraction
        self.gpus = gpus
        self.gpuWeights = gpuWeights
    }
}

/// How one domain's energy over one interval was split. Σ jobs (dynamic + idle) + unattributed
/// = joules, by construction (the remainder is what is unattributed).
public struct IntervalAttribution: Sendable, Equatable {
    /// A job's dynamic and idle joules.
    public struct Split: Sendable, Equatable {
        public var dynamic: Double
        public var idle: Double
        public var total: Double { dynamic + idle }

        public init(dynamic: Double, idle: Double) {
            self.dynamic = dynamic
            self.idle = idle
        }
    }

    public var domain: String
    public var seconds: Double
    /// ΔE_k, A_k and I_k.
    public var joules: Double
    public var dynamic: Double
    public var idle: Double
    public var jobs: [String: Split]
    /// Energy no job was given (other processes, nobody alive).
    public var unattributed: Double
    /// How the dynamic part was split this time.
    public var method: String
}

/// The splitting formulas of docs/energy.md ("Attribution when jobs overlap"), pure functions of one
/// interval's numbers.
public enum EnergyAttribution {
    /// CPU-side domains (package, dram, psys, estimated cpu):
    /// ```
    /// A_k = ΔE_k · u_k                      I_k = ΔE_k − A_k
    /// E_dyn_j  += A_k · c_jk / Σ_all c_k    (Σ_all: busy CPU seconds of the whole host)
    /// E_idle_j += I_k · o_jk / Σ_i o_ik
    /// ```
    /// With no utilisation (u unknown) A_k is 0 and all of ΔE_k is idle. If the jobs' CPU time
    /// exceeds the host's (the reads are microseconds apart), the jobs' sum is the denominator,
    /// so no job is given more than A_k. Jobs not alive in the interval take no part.
    public static func splitCPU(
        domain: String, seconds: Double, joules: Double, utilization: Double?, hostBusySeconds: Double,
        jobs: [JobIntervalShare]
    ) -> IntervalAttribution {
        let jobs = jobs.filter { $0.aliveFraction > 0 }
        let dynamic = joules * min(max(utilization ?? 0, 0), 1)
        let idle = joules - dynamic
        let jobCPU = jobs.reduce(0) { $0 + max($1.cpuSeconds, 0) }
        let denominator = max(hostBusySeconds, jobCPU)
        let alive = jobs.reduce(0) { $0 + max($1.aliveFraction, 0) }
        var splits: [String: IntervalAttribution.Split] = [:]
        for job in jobs {
            let dynamicShare = denominator > 0 ? dynamic * max(job.cpuSeconds, 0) / denominator : 0
            let idleShare = alive > 0 ? idle * max(job.aliveFraction, 0) / alive : 0
            splits[job.jobID] = .init(dynamic: dynamicShare, idle: idleShare)
        }
        return finish(
            domain: domain, seconds: seconds, joules: joules, dynamic: dynamic, idle: idle, splits: splits,
            method: "CPU-time share")
    }

    /// A GPU: I_k = min(ΔE_k, P_idle · Δt) split by alive share among the jobs on the GPU; the
    /// active rest by each job's `enc + dec + sm` over all processes' on that GPU, or, without
    /// per-process samples, by alive share (equally among jobs that were alive all along).
    /// `totalWeight` is Σ weights of every process on the GPU (other users' included).
    public static func splitGPU(
        domain: String, gpu: Int, seconds: Double, joules: Double, idleJoules: Double, totalWeight: Double?,
        jobs: [JobIntervalShare]
    ) -> IntervalAttribution {
        let idle = min(max(idleJoules, 0), max(joules, 0))
        let dynamic = joules - idle
        let onGPU = jobs.filter { $0.aliveFraction > 0 && ($0.gpus.contains(gpu) || ($0.gpuWeights[gpu] ?? 0) > 0) }
        let alive = onGPU.reduce(0) { $0 + max($1.aliveFraction, 0) }
        let jobWeight = onGPU.reduce(0) { $0 + ($1.gpuWeights[gpu] ?? 0) }
        let weightDenominator = max(totalWeight ?? 0, jobWeight)
        let byWeight = totalWeight != nil && weightDenominator > 0
        var splits: [String: IntervalAttribution.Split] = [:]
        for job in onGPU {
            let aliveShare = alive > 0 ? max(job.aliveFraction, 0) / alive : 0
            let dynamicShare =
                byWeight ? dynamic * (job.gpuWeights[gpu] ?? 0) / weightDenominator : dynamic * aliveShare
            splits[job.jobID] = .init(dynamic: dynamicShare, idle: idle * aliveShare)
        }
        return finish(
            domain: domain, seconds: seconds, joules: joules, dynamic: dynamic, idle: idle, splits: splits,
            method: byWeight ? "enc+dec+sm share per process" : "equal share among jobs on the GPU")
    }

    private static func finish(
        domain: String, seconds: Double, joules: Double, dynamic: Double, idle: Double,
        splits: [String: IntervalAttribution.Split], method: String
    ) -> IntervalAttribution {
        let attributed = splits.values.reduce(0) { $0 + $1.total }
        return IntervalAttribution(
            domain: domain, seconds: seconds, joules: joules, dynamic: dynamic, idle: idle, jobs: splits,
            unattributed: joules - attributed, method: method)
    }
}
