import Model

/// What one node can give a job: CPU time of its hardware threads and its RAM. A job asking for
/// more (`limits.cpu_percent` above 100 × threads, `limits.memory_mb` above the RAM) is rejected
/// with the reason, never capped: a capped encode would report figures for a job other than the
/// one submitted. A job asking for nothing gets the agent's defaults (`--default-cpu-percent`,
/// `--default-memory`), enforced like its own limits (cgroup v2, else nice and rlimits).
struct NodeLimits: Sendable, Equatable {
    /// Hardware threads (what cgroup `cpu.max` and the scheduler share out).
    var threads: Int
    var ramMegabytes: Int
    var defaultCPUPercent: Int?
    var defaultMemoryMegabytes: Int?

    init(hardware: Hardware, defaultCPUPercent: Int? = nil, defaultMemoryMegabytes: Int? = nil) {
        threads = max(1, hardware.threads)
        ramMegabytes = hardware.ramMegabytes
        self.defaultCPUPercent = defaultCPUPercent
        self.defaultMemoryMegabytes = defaultMemoryMegabytes
    }

    /// Why this node cannot run `spec` as asked, or nil when it can. RAM of 0 (not probed) refuses
    /// no memory limit.
    func refusal(of spec: JobSpec) -> JobRejection? {
        if let cpu = spec.cpuPercent, cpu > 100 * threads {
            return JobRejection(
                field: "limits.cpu_percent",
                reason:
                    "asks for \(cpu) % CPU but this node has \(threads) hardware threads (at most \(100 * threads) %)",
                jobID: spec.id)
        }
        if let memory = spec.memoryMegabytes, ramMegabytes > 0, memory > ramMegabytes {
            return JobRejection(
                field: "limits.memory_mb",
                reason: "asks for \(memory) MB of memory but this node has \(ramMegabytes) MB", jobID: spec.id)
        }
        return nil
    }

    /// `spec` with the agent's defaults where it asks for no limit.
    func applyingDefaults(to spec: JobSpec) -> JobSpec {
        var spec = spec
        spec.cpuPercent = spec.cpuPercent ?? defaultCPUPercent
        spec.memoryMegabytes = spec.memoryMegabytes ?? defaultMemoryMegabytes
        return spec
    }

    /// The defaults themselves must fit the node: nil, or the setting at fault and why.
    var defaultsProblem: String? {
        if let cpu = defaultCPUPercent, cpu > 100 * threads {
            return
                "default-cpu-percent \(cpu) is more than this node's \(threads) hardware threads give (\(100 * threads))"
        }
        if let memory = defaultMemoryMegabytes, ramMegabytes > 0, memory > ramMegabytes {
            return "default-memory \(memory) MB is more than this node's \(ramMegabytes) MB"
        }
        return nil
    }
}
