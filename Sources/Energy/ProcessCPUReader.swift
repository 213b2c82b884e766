#if canImport(Glibc)
    import Glibc
#endif

/// Every process's stat line at one moment, with the parent → children map, so a job's whole
/// process tree can be summed.
public struct ProcessTable: Sendable {
    public var processes: [Int32: ProcessStatLine]
    private var children: [Int32: [Int32]] = [:]

    public init(processes: [Int32: ProcessStatLine]) {
        self.processes = processes
        for process in processes.values { children[process.parentID, default: []].append(process.processID) }
    }

    /// The root and all its descendants; empty when the root is gone or its pid now belongs to
    /// another process (start time differs).
    public func tree(root: Int32, startTicks: UInt64?) -> [Int32] {
        guard let rootStat = processes[root], startTicks.map({ $0 == rootStat.startTicks }) ?? true else { return [] }
        var members: [Int32] = []
        var pending = [root]
        var seen: Set<Int32> = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            members.append(next)
            pending += children[next] ?? []
        }
        return members
    }

    /// Σ cpuTicks over the tree; nil when the root is gone.
    public func treeCPUTicks(root: Int32, startTicks: UInt64?) -> UInt64? {
        let members = tree(root: root, startTicks: startTicks)
        guard !members.isEmpty else { return nil }
        return members.reduce(0) { $0 + (processes[$1]?.cpuTicks ?? 0) }
    }
}

/// CPU time from procfs and cgroupfs under configurable roots (tests point them at fakes):
/// host counters from `<proc>/stat`, per-process lines from `<proc>/<pid>/stat`, and a cgroup v2
/// `<cgroup>/<path>/cpu.stat` `usage_usec` (exact for a job run in its own cgroup).
public struct ProcessCPUReader: Sendable {
    public let procRoot: String
    public let cgroupRoot: String
    /// USER_HZ: the unit of every tick count in procfs (sysconf(_SC_CLK_TCK), 100 on Linux).
    public let clockTicksPerSecond: Double
    let files: any SystemFileReading

    public init(
        procRoot: String = "/proc", cgroupRoot: String = "/sys/fs/cgroup", clockTicksPerSecond: Double? = nil,
        files: any SystemFileReading = LiveSystemFiles()
    ) {
        self.procRoot = procRoot
        self.cgroupRoot = cgroupRoot
        self.files = files
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        self.clockTicksPerSecond = clockTicksPerSecond ?? Double(ticks > 0 ? ticks : 100)
    }

    /// The host's CPU counters; nil when `/proc/stat` is unreadable.
    public func hostTimes() -> HostCPUTimes? {
        files.read(procRoot + "/stat").text.flatMap(HostCPUTimes.parse)
    }

    /// One process's stat line.
    public func process(_ processID: Int32) -> ProcessStatLine? {
        files.read("\(procRoot)/\(processID)/stat").text.flatMap(ProcessStatLine.parse)
    }

    /// Every process (numeric folders under the proc root); processes that exit meanwhile are
    /// skipped.
    public func table() -> ProcessTable {
        var processes: [Int32: ProcessStatLine] = [:]
        for name in files.list(procRoot) ?? [] {
            guard let processID = Int32(name), let line = process(processID) else { continue }
            processes[processID] = line
        }
        return ProcessTable(processes: processes)
    }

    /// `usage_usec` of the cgroup at `path` (relative to the cgroup root), in seconds.
    public func cgroupUsageSeconds(_ path: String) -> Double? {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard let text = files.read(cgroupRoot + "/" + relative + "/cpu.stat").text else { return nil }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == "usage_usec", let value = UInt64(words[1]) { return Double(value) / 1e6 }
        }
        return nil
    }

    /// Ticks to seconds.
    public func seconds(_ ticks: UInt64) -> Double { Double(ticks) / clockTicksPerSecond }
}
