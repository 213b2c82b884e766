/// A powercap sysfs tree in a temporary folder, laid out as the kernel does: zone folders nested
/// under their package (`intel-rapl:0/intel-rapl:0:2`) and a flat link for every zone at the
/// root. The test advances each counter by watts × seconds, wrapping at the zone's range.
final class FakePowercapTree {
    let directory = TestDirectory()
    private var zones: [String: (folder: String, range: UInt64?, energy: UInt64)] = [:]

    var root: String { directory.path }

    /// Adds a zone; a sub-zone's folder goes inside its parent's, which must exist.
    /// `powerLimitWatts` writes `constraint_0_power_limit_uw`, which sets how far apart reads may be.
    func add(
        _ identifier: String, name: String, range: UInt64? = 262_143_328_850, energy: UInt64 = 0,
        powerLimitWatts: Double? = nil
    ) {
        let parts = identifier.split(separator: ":")
        var folder = identifier
        if parts.count == 3 {
            let parent = parts.dropLast().joined(separator: ":")
            folder = (zones[parent]?.folder ?? parent) + "/" + identifier
            directory.link(identifier, to: directory.path + "/" + folder)
        }
        zones[identifier] = (folder, range, energy)
        directory.write(folder + "/name", name + "\n")
        directory.write(folder + "/enabled", "1\n")
        if let range { directory.write(folder + "/max_energy_range_uj", "\(range)\n") }
        if let powerLimitWatts {
            directory.write(folder + "/constraint_0_power_limit_uw", "\(UInt64(powerLimitWatts * 1e6))\n")
        }
        directory.write(folder + "/energy_uj", "\(energy)\n", mode: 0o400)
    }

    /// Moves a counter by `watts` for `seconds`, wrapping past its range as docs/energy.md says
    /// (ΔE = e1 + R − e0 when e1 < e0).
    func advance(_ identifier: String, watts: Double, seconds: Double) {
        advance(identifier, microjoules: UInt64((watts * seconds * 1e6).rounded()))
    }

    func advance(_ identifier: String, microjoules: UInt64) {
        guard let zone = zones[identifier] else { preconditionFailure("no zone \(identifier)") }
        var next = zone.energy + microjoules
        if let range = zone.range, next >= range { next -= range }
        set(identifier, microjoules: next)
    }

    func set(_ identifier: String, microjoules: UInt64) {
        guard let zone = zones[identifier] else { preconditionFailure("no zone \(identifier)") }
        zones[identifier] = (zone.folder, zone.range, microjoules)
        directory.write(zone.folder + "/energy_uj", "\(microjoules)\n", mode: 0o400)
    }

    func energy(_ identifier: String) -> UInt64 { zones[identifier]!.energy }

    /// The path of a zone's file, for denying reads.
    func path(_ identifier: String, _ file: String) -> String {
        directory.path + "/" + zones[identifier]!.folder + "/" + file
    }

    /// Two sockets as docs/energy.md describes them: package-0 at `intel-rapl:0` with `core`, `uncore`
    /// and `dram` at `:0:0`; psys at `intel-rapl:1` shifting socket 1 to `intel-rapl:2`, whose
    /// dram is at `:2:2`; and an MMIO copy of package-0.
    static func twoSockets() -> FakePowercapTree {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0", energy: 1_000_000_000)
        tree.add("intel-rapl:0:0", name: "dram", range: 65_712_999_613, energy: 5_000_000)
        tree.add("intel-rapl:0:1", name: "core", energy: 7_000)
        tree.add("intel-rapl:0:2", name: "uncore", energy: 9_000)
        tree.add("intel-rapl:1", name: "psys", energy: 3_000_000_000)
        tree.add("intel-rapl:2", name: "package-1", energy: 2_000_000_000)
        tree.add("intel-rapl:2:0", name: "core", energy: 11_000)
        tree.add("intel-rapl:2:1", name: "uncore", energy: 13_000)
        tree.add("intel-rapl:2:2", name: "dram", range: 65_712_999_613, energy: 6_000_000)
        tree.add("intel-rapl-mmio:0", name: "package-0", energy: 1_000_000_000)
        return tree
    }

    /// Advances every zone of `twoSockets` for one step: each socket's package at its watts,
    /// each DRAM at its watts, nested zones and psys and the MMIO copy too (they must be ignored).
    func stepTwoSockets(package0: Double, package1: Double, dram0: Double, dram1: Double, seconds: Double) {
        advance("intel-rapl:0", watts: package0, seconds: seconds)
        advance("intel-rapl-mmio:0", watts: package0, seconds: seconds)
        advance("intel-rapl:0:1", watts: package0 / 2, seconds: seconds)
        advance("intel-rapl:0:2", watts: package0 / 4, seconds: seconds)
        advance("intel-rapl:2", watts: package1, seconds: seconds)
        advance("intel-rapl:2:0", watts: package1 / 2, seconds: seconds)
        advance("intel-rapl:2:1", watts: package1 / 4, seconds: seconds)
        advance("intel-rapl:0:0", watts: dram0, seconds: seconds)
        advance("intel-rapl:2:2", watts: dram1, seconds: seconds)
        advance("intel-rapl:1", watts: package0 + package1 + dram0 + dram1 + 20, seconds: seconds)
    }
}
