import Support

#if canImport(Glibc)
    import Glibc
#endif

/// One job's cgroup v2 group, `<root>/<parent>/ffrtmp-<job id>`: `cpu.max` from cpu_percent
/// (quota per 100 ms period), `memory.max` from memory_mb with swap off for it and the whole
/// group OOM-killed together; the child joins through `cgroup.procs` right after spawn; its exact
/// CPU time (`cpu.stat` usage_usec), peak memory (`memory.peak`, Linux 5.19+) and OOM kills
/// (`memory.events`) are read at the end, then the group is removed.
///
/// The join races the child's first instructions: `posix_spawn` returns once the child has
/// exec'd, so the dynamic loader runs for the few microseconds before our write to
/// `cgroup.procs`, charged to the agent's cgroup (charges do not move with a process). That is
/// bounded by the loader's first page faults, far below any memory_mb a job may ask for, and
/// its CPU time is still in `wait4`'s rusage. Closing it needs `clone3(CLONE_INTO_CGROUP)`, a
/// raw syscall Swift cannot reach without a C shim.
public struct ControlGroup: Sendable {
    /// The scheduler period `cpu.max` quotas refer to (µs): 100 ms, the kernel's default.
    public static let periodMicroseconds = 100_000

    public let root: String
    /// Relative to `root` (what `EnergyMeter.begin(cgroupPath:)` wants).
    public let relativePath: String
    let files: any ControlGroupFiles

    public var path: String { root + "/" + relativePath }

    /// What the group measured.
    public struct Usage: Sendable, Equatable {
        public var cpuSeconds: Double?
        public var peakMemoryBytes: Int64?
        /// Processes the OOM killer ended for passing memory.max.
        public var outOfMemoryKills: Int
    }

    /// Nil when job groups can be made under `parent`, else why not. Enables the cpu and memory
    /// controllers for the parent's children if they are not yet.
    public static func unavailability(root: String, parent: String, files: any ControlGroupFiles) -> String? {
        let controllers: String
        do {
            controllers = try files.read(root + "/cgroup.controllers")
        } catch {
            return "no cgroup v2 at \(root) (\(error))"
        }
        let needed = ["cpu", "memory"]
        let missing = needed.filter { !words(controllers).contains($0) }
        guard missing.isEmpty else {
            return "cgroup v2 at \(root) lacks the \(missing.joined(separator: " and ")) controller"
        }
        let parentPath = join(root, parent)
        do {
            let enabled = words(try files.read(parentPath + "/cgroup.subtree_control"))
            let toEnable = needed.filter { !enabled.contains($0) }
            if !toEnable.isEmpty {
                try files.write(
                    toEnable.map { "+" + $0 }.joined(separator: " "), to: parentPath + "/cgroup.subtree_control")
            }
        } catch {
            return "cannot enable cpu and memory for \(parentPath)'s children (\(error))"
        }
        return nil
    }

    /// Makes the job's group and writes its limits. A leftover group of the same name (an agent
    /// that crashed) is removed first; a busy one is an error.
    public static func create(
        root: String, parent: String, jobID: String, limits: ResourceLimits, files: any ControlGroupFiles
    ) throws(ProcessError) -> ControlGroup {
        let relativePath = (parent.isEmpty ? "" : parent + "/") + "ffrtmp-" + jobID
        let group = ControlGroup(root: root, relativePath: relativePath, files: files)
        do {
            try files.makeDirectory(group.path)
        } catch  where error.code == EEXIST {
            try files.removeDirectory(group.path)
            try files.makeDirectory(group.path)
        }
        do {
            try group.writeLimits(limits)
        } catch {
            try? files.removeDirectory(group.path)
            throw error
        }
        return group
    }

    private func writeLimits(_ limits: ResourceLimits) throws(ProcessError) {
        let quota = limits.cpuPercent.map { String($0 * Self.periodMicroseconds / 100) } ?? "max"
        try files.write("\(quota) \(Self.periodMicroseconds)", to: path + "/cpu.max")
        guard let megabytes = limits.memoryMegabytes else { return }
        try files.write(String(megabytes * 1024 * 1024), to: path + "/memory.max")
        // Best effort: absent without swap accounting or on kernels before 4.19.
        try? files.write("0", to: path + "/memory.swap.max")
        try? files.write("1", to: path + "/memory.oom.group")
    }

    /// Moves a process into the group.
    public func add(_ processID: pid_t) throws(ProcessError) {
        try files.write(String(processID), to: path + "/cgroup.procs")
    }

    /// What the group's counters say now.
    public func usage() -> Usage {
        let cpuStat = (try? files.read(path + "/cpu.stat")) ?? ""
        let events = (try? files.read(path + "/memory.events")) ?? ""
        let peak = (try? files.read(path + "/memory.peak")).flatMap { Int64($0.withoutSurroundingSpaces()) }
        return Usage(
            cpuSeconds: Self.field("usage_usec", in: cpuStat).map { Double($0) / 1e6 }, peakMemoryBytes: peak,
            outOfMemoryKills: Int(Self.field("oom_kill", in: events) ?? 0))
    }

    /// Removes the group; retries for a moment while the kernel finishes emptying it.
    public func remove() throws(ProcessError) {
        var attempts = 0
        while true {
            do {
                try files.removeDirectory(path)
                return
            } catch  where error.code == EBUSY && attempts < 50 {
                attempts += 1
                Clock.sleep(seconds: 0.01)
            }
        }
    }

    /// The value of a `key value` line (`cpu.stat`, `memory.events`).
    static func field(_ key: String, in text: String) -> Int64? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key { return Int64(parts[1]) }
        }
        return nil
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    private static func join(_ root: String, _ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }
}
