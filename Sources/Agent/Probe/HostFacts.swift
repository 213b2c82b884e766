import Energy
import Model

/// The host facts a result's provenance names: the kernel release
/// (`<proc>/sys/kernel/osrelease`), cpu0's cpufreq governor and whether turbo clocks are allowed
/// (`intel_pstate/no_turbo`, else `cpufreq/boost`). Read through `SystemFileReading`, so tests
/// use fake trees.
struct HostFacts: Sendable, Equatable {
    var kernel: String?
    var cpuGovernor: String?
    var turbo: Bool?

    static func read(procRoot: String, sysRoot: String, files: SystemFileReading = LiveSystemFiles()) -> HostFacts {
        func line(_ path: String) -> String? {
            guard let text = files.read(path).text else { return nil }
            let first = text.split(separator: "\n").first.map { $0.withoutSurroundingSpaces() } ?? ""
            return first.isEmpty ? nil : Provenance.clipped(first, toBytes: Provenance.maximumFieldLength)
        }
        let cpu = sysRoot + "/devices/system/cpu"
        var turbo: Bool?
        if let noTurbo = line(cpu + "/intel_pstate/no_turbo") {
            turbo = noTurbo == "0" ? true : noTurbo == "1" ? false : nil
        } else if let boost = line(cpu + "/cpufreq/boost") {
            turbo = boost == "1" ? true : boost == "0" ? false : nil
        }
        return HostFacts(
            kernel: line(procRoot + "/sys/kernel/osrelease"),
            cpuGovernor: line(cpu + "/cpu0/cpufreq/scaling_governor"), turbo: turbo)
    }
}
