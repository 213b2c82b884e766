import Model

/// The limits a job asked for (`limits.cpu_percent`, `limits.memory_mb`).
public struct ResourceLimits: Sendable, Equatable {
    /// 100 = one core.
    public var cpuPercent: Int?
    public var memoryMegabytes: Int?

    public init(cpuPercent: Int? = nil, memoryMegabytes: Int? = nil) {
        self.cpuPercent = cpuPercent
        self.memoryMegabytes = memoryMegabytes
    }

    public init(spec: JobSpec) {
        self.init(cpuPercent: spec.cpuPercent, memoryMegabytes: spec.memoryMegabytes)
    }

    /// Nothing asked for.
    public var isEmpty: Bool { cpuPercent == nil && memoryMegabytes == nil }

    /// Encoder threads that match the CPU share (⌈cpu_percent / 100⌉), nil without one. Passed
    /// as ffmpeg's `-threads` in every mode, so a job's argv does not depend on the node's mode.
    public var threads: Int? { cpuPercent.map { max(1, ($0 + 99) / 100) } }
}

/// How the agent enforces job limits.
public struct ResourceLimitConfiguration: Sendable, Equatable {
    /// Which mechanism to use.
    public enum Preference: String, Sendable, Equatable {
        /// cgroup v2 when available and permitted, else nice + rlimits.
        case automatic
        /// nice + rlimits even where cgroup v2 would work.
        case resourceLimits
        /// Nothing but the timeout.
        case none
    }

    public var preference: Preference
    /// Where cgroup v2 is mounted.
    public var controlGroupRoot: String
    /// The cgroup (relative to the root, "" for the root itself) under which job cgroups are
    /// made. Under systemd, a delegated subtree of the agent's unit (`Delegate=yes`), e.g.
    /// `system.slice/ffrtmp-agent.service/jobs` (the agent itself must live in a sibling leaf:
    /// cgroup v2 allows no processes in a cgroup that hands controllers to its children).
    public var controlGroupParent: String
    /// rlimit mode: `RLIMIT_DATA` = memory_mb × factor + headroom (see `ProcessPriorityLimits`).
    public var dataLimitFactor: Int
    public var dataLimitHeadroomMegabytes: Int
    /// Cores on this node: cpu_percent is a share of 100 × cores for nice.
    public var cores: Int

    public init(
        preference: Preference = .automatic, controlGroupRoot: String = "/sys/fs/cgroup",
        controlGroupParent: String = "", dataLimitFactor: Int = 4, dataLimitHeadroomMegabytes: Int = 512,
        cores: Int = 1
    ) {
        self.preference = preference
        self.controlGroupRoot = controlGroupRoot
        self.controlGroupParent = controlGroupParent
        self.dataLimitFactor = dataLimitFactor
        self.dataLimitHeadroomMegabytes = dataLimitHeadroomMegabytes
        self.cores = cores
    }
}
