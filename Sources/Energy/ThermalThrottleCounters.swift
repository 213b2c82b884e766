/// The CPUs' thermal-throttle event counters (`<sys>/devices/system/cpu/cpu<N>/thermal_throttle/
/// core_throttle_count` and `package_throttle_count`, x86 only), read before and after a job so
/// its result can say whether the CPU slowed down for heat while it ran.
public struct ThermalThrottleCounters: Sendable, Equatable {
    /// Per CPU number: the core and package counts, when the file was readable.
    public var core: [Int: UInt64]
    public var package: [Int: UInt64]

    public init(core: [Int: UInt64] = [:], package: [Int: UInt64] = [:]) {
        self.core = core
        self.package = package
    }

    /// The counters under `sysRoot` now (empty where the kernel has none).
    public static func read(sysRoot: String, files: SystemFileReading = LiveSystemFiles()) -> ThermalThrottleCounters {
        let folder = sysRoot + "/devices/system/cpu"
        var counters = ThermalThrottleCounters()
        for name in files.list(folder) ?? [] where name.hasPrefix("cpu") {
            guard let number = Int(name.dropFirst(3)) else { continue }
            let base = "\(folder)/\(name)/thermal_throttle/"
            if let value = files.readUnsigned(base + "core_throttle_count").value { counters.core[number] = value }
            if let value = files.readUnsigned(base + "package_throttle_count").value {
                counters.package[number] = value
            }
        }
        return counters
    }

    /// Growth since `earlier`: the core counts summed, the package counts' largest growth of one CPU
    /// (all CPUs of a package show its one counter). Nil where neither reading had a counter; a
    /// counter that went backwards (CPU hot-plugged) counts 0.
    public func events(since earlier: ThermalThrottleCounters) -> (core: Int?, package: Int?) {
        func growth(_ now: [Int: UInt64], _ before: [Int: UInt64]) -> [Int] {
            now.compactMap { cpu, value in
                before[cpu].map { value >= $0 ? Int(clamping: value - $0) : 0 }
            }
        }
        let core = growth(self.core, earlier.core)
        let package = growth(self.package, earlier.package)
        return (
            core.isEmpty ? nil : core.reduce(0) { $0.addingReportingOverflow($1).overflow ? Int.max : $0 + $1 },
            package.max()
        )
    }
}
