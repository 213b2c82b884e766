import Support
/// The host's CPU time counters, from the `cpu` line of `/proc/stat` (clock ticks):
/// `user nice system idle iowait irq softirq steal guest guest_nice`. `guest` and `guest_nice`
/// are already inside `user` and `nice`, so they are not added again.
public struct HostCPUTimes: Sendable, Equatable {
    public var total: UInt64
    public var idle: UInt64
    public var iowait: UInt64

    public init(total: UInt64, idle: UInt64, iowait: UInt64) {
        self.total = total
        self.idle = idle
        self.iowait = iowait
    }

    /// Ticks some CPU spent running something: total − idle − iowait.
    public var busy: UInt64 { total - min(total, idle + iowait) }

    /// Parses the aggregate `cpu ` line of `/proc/stat`.
    public static func parse(_ text: String) -> HostCPUTimes? {
        for line in text.split(separator: "\n") where line.hasPrefix("cpu ") {
            let values = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
            guard values.count >= 5 else { return nil }
            return HostCPUTimes(total: values.reduce(0, +), idle: values[3], iowait: values[4])
        }
        return nil
    }

    /// `u_k = (Δtotal − Δidle − Δiowait) / Δtotal` since `earlier` (docs/energy.md), in 0…1; nil when
    /// no tick passed or the counters went back.
    public func utilization(since earlier: HostCPUTimes) -> Double? {
        guard total > earlier.total, busy >= earlier.busy else { return nil }
        return min(1, Double(busy - earlier.busy) / Double(total - earlier.total))
    }
}

/// The fields of `/proc/<pid>/stat` the meter uses. The command name sits in parentheses and may
/// hold spaces or parentheses itself, so fields are counted from the last `)`.
public struct ProcessStatLine: Sendable, Equatable {
    public var processID: Int32
    public var parentID: Int32
    /// User and system ticks of the process (all its threads), and of its waited-for children.
    public var userTicks: UInt64
    public var systemTicks: UInt64
    public var childrenUserTicks: UInt64
    public var childrenSystemTicks: UInt64
    /// Start time in ticks since boot: tells a reused pid from the process first seen.
    public var startTicks: UInt64

    /// utime + stime + cutime + cstime: summed over a live process tree this stays whole when a
    /// child is reaped (its time moves into its parent's cutime/cstime).
    public var cpuTicks: UInt64 { userTicks + systemTicks + childrenUserTicks + childrenSystemTicks }

    public static func parse(_ text: String) -> ProcessStatLine? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"),
            let processID = Int32(text[..<open].trimmingWhitespace())
        else { return nil }
        // After ")": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17) … starttime(22).
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 19, let parentID = Int32(fields[1]), let user = UInt64(fields[11]),
            let system = UInt64(fields[12]), let start = UInt64(fields[19])
        else { return nil }
        // cutime and cstime are signed in the kernel's format; a negative value never occurs in
        // practice and is read as 0.
        let childrenUser = UInt64(fields[13]) ?? 0
        let childrenSystem = UInt64(fields[14]) ?? 0
        return ProcessStatLine(
            processID: processID, parentID: parentID, userTicks: user, systemTicks: system,
            childrenUserTicks: childrenUser, childrenSystemTicks: childrenSystem, startTicks: start)
    }
}
