import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Picks how each job's limits are enforced: cgroup v2 when available and permitted (checked
/// once, at start), else nice + rlimits when the job asks for limits, else nothing but the
/// timeout. A job with no limits still gets a cgroup where cgroups work: its counters are exact.
public struct ResourceLimiter: Sendable {
    public let configuration: ResourceLimitConfiguration
    /// Nil when job cgroups can be made; else why not (for the start log).
    public let controlGroupUnavailability: String?
    let files: any ControlGroupFiles

    public init(
        configuration: ResourceLimitConfiguration = ResourceLimitConfiguration(),
        files: any ControlGroupFiles = LiveControlGroupFiles()
    ) {
        self.configuration = configuration
        self.files = files
        controlGroupUnavailability =
            configuration.preference == .automatic
            ? ControlGroup.unavailability(
                root: configuration.controlGroupRoot, parent: configuration.controlGroupParent, files: files)
            : "cgroups not used (preference \(configuration.preference.rawValue))"
    }

    /// Prepares a job's limits before its process starts (creates its cgroup, if used).
    public func begin(jobID: String, limits: ResourceLimits) -> ResourceLimitSession {
        var session = ResourceLimitSession(limits: limits, configuration: configuration)
        if configuration.preference == .none { return session }
        if controlGroupUnavailability == nil {
            do {
                session.controlGroup = try ControlGroup.create(
                    root: configuration.controlGroupRoot, parent: configuration.controlGroupParent, jobID: jobID,
                    limits: limits, files: files)
                session.mode = .cgroup
                return session
            } catch {
                session.notes.append("cgroup not made, falling back: \(error)")
            }
        }
        if !limits.isEmpty { session.mode = .rlimit }
        return session
    }
}

/// One job's limits from `ResourceLimiter.begin` to `finish`: `attach` the process right after
/// spawn, `finish` after it was reaped. `mode` is what was really applied.
public struct ResourceLimitSession: Sendable {
    public let limits: ResourceLimits
    let configuration: ResourceLimitConfiguration
    public internal(set) var mode: ResourceLimitsMode = .none
    /// The job's cgroup while it exists.
    public internal(set) var controlGroup: ControlGroup?
    /// What went differently from the plan, and what rlimits set.
    public internal(set) var notes: [String] = []

    init(limits: ResourceLimits, configuration: ResourceLimitConfiguration) {
        self.limits = limits
        self.configuration = configuration
    }

    /// Puts the child under the limits; falls back to rlimits if it cannot join its cgroup.
    public mutating func attach(_ processID: pid_t) {
        if let group = controlGroup {
            do {
                try group.add(processID)
                return
            } catch {
                notes.append("could not join the cgroup, falling back: \(error)")
                try? group.remove()
                controlGroup = nil
                mode = limits.isEmpty ? .none : .rlimit
            }
        }
        guard mode == .rlimit else { return }
        do {
            notes += try ProcessPriorityLimits.apply(limits, to: processID, configuration: configuration)
        } catch {
            notes.append("rlimits not applied: \(error)")
            mode = .none
        }
    }

    /// Reads the cgroup's counters and removes it (nil without a cgroup). Call after the child
    /// was reaped.
    public mutating func finish() -> ControlGroup.Usage? {
        guard let group = controlGroup else { return nil }
        let usage = group.usage()
        do {
            try group.remove()
        } catch {
            notes.append("cgroup not removed: \(error)")
        }
        controlGroup = nil
        return usage
    }
}
