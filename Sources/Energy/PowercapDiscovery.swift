import Support
/// The RAPL zones chosen for measuring, and why others were left out (docs/energy.md, "RAPL through
/// powercap sysfs"): Σ `package-*` (all sockets) plus `dram` beside it; `psys` only when there is
/// no package (never both: psys covers the whole SoC); `core`/`uncore` never (nested in the
/// package); an MMIO zone only when no MSR zone has the same name.
public struct RAPLPlan: Sendable, Equatable {
    /// Package zones (per socket, or per die) in name order.
    public var packages: [PowercapZone]
    /// DRAM zones (one per socket on servers), in parent-name order.
    public var dram: [PowercapZone]
    /// The psys zone, used only when `packages` is empty.
    public var psys: PowercapZone?
    /// One line per zone left out, for the start log.
    public var notes: [String]

    /// Every zone the plan reads.
    public var zones: [PowercapZone] { packages + dram + (psys.map { [$0] } ?? []) }
    public var isEmpty: Bool { zones.isEmpty }
}

/// Finds RAPL zones under a powercap root (default `/sys/class/powercap`): the flat class links
/// and, recursively, the sub-zone folders inside each zone; each zone is kept once by identifier.
public struct PowercapDiscovery: Sendable {
    public let root: String
    let files: any SystemFileReading

    public init(root: String = "/sys/class/powercap", files: any SystemFileReading = LiveSystemFiles()) {
        self.root = root
        self.files = files
    }

    /// All zones, sorted by identifier; empty when the root does not exist.
    public func zones() -> [PowercapZone] {
        var found: [String: PowercapZone] = [:]
        visit(folder: root, parentName: nil, depth: 0, into: &found)
        return found.values.sorted { $0.identifier < $1.identifier }
    }

    /// The zones to measure with, chosen by name.
    public func plan() -> RAPLPlan { Self.plan(for: zones()) }

    /// Chooses zones by name (see `RAPLPlan`).
    public static func plan(for zones: [PowercapZone]) -> RAPLPlan {
        var notes: [String] = []
        var kept: [String: PowercapZone] = [:]
        // MSR zones first so that an MMIO zone of the same name is the one dropped.
        let ordered = zones.filter { $0.interface == .msr } + zones.filter { $0.interface == .mmio }
        for zone in ordered {
            if let existing = kept[zone.duplicateKey] {
                if existing.interface != zone.interface {
                    notes.append("\(zone.identifier) (\(zone.name)) dropped: same zone as \(existing.identifier)")
                    continue
                }
                // Same name twice on one interface (two unparented `dram`s): keep both.
                kept[zone.duplicateKey + "#" + zone.identifier] = zone
                continue
            }
            kept[zone.duplicateKey] = zone
        }
        var packages: [PowercapZone] = []
        var dram: [PowercapZone] = []
        var psys: [PowercapZone] = []
        for zone in kept.values {
            switch zone.kind {
            case .package: packages.append(zone)
            case .dram: dram.append(zone)
            case .psys: psys.append(zone)
            case .nested: notes.append("\(zone.identifier) (\(zone.name)) ignored: inside its package")
            case .other: notes.append("\(zone.identifier) (\(zone.name)) ignored: unknown zone name")
            }
        }
        packages.sort { $0.name < $1.name }
        dram.sort { ($0.parentName ?? "", $0.identifier) < ($1.parentName ?? "", $1.identifier) }
        psys.sort { $0.identifier < $1.identifier }
        var chosenPsys: PowercapZone? = nil
        if packages.isEmpty {
            chosenPsys = psys.first
            if !dram.isEmpty && chosenPsys != nil {
                notes.append("dram not added: psys covers the whole platform")
                dram = []
            }
        } else if let zone = psys.first {
            notes.append("\(zone.identifier) (psys) not used: packages are measured instead (never both)")
        }
        for zone in psys.dropFirst() { notes.append("\(zone.identifier) (psys) ignored: second psys zone") }
        return RAPLPlan(packages: packages, dram: dram, psys: chosenPsys, notes: notes.sorted())
    }

    private func visit(folder: String, parentName: String?, depth: Int, into found: inout [String: PowercapZone]) {
        // Zone folders nest at most two deep (package → sub-zone); the bound also stops link loops.
        guard depth < 4, let names = files.list(folder) else { return }
        for entry in names.sorted() {
            guard let interface = Self.interface(of: entry) else { continue }
            let path = folder + "/" + entry
            guard let name = files.read(path + "/name").text?.trimmingWhitespace(), !name.isEmpty else { continue }
            let parent = parentName ?? parentNameFromIdentifier(entry, interface: interface)
            if found[entry] == nil || (found[entry]?.parentName == nil && parent != nil) {
                found[entry] = PowercapZone(
                    path: path, identifier: entry, name: name, parentName: parent, interface: interface,
                    rangeMicrojoules: files.readUnsigned(path + "/max_energy_range_uj").value,
                    kind: PowercapZone.kind(ofName: name), powerLimitWatts: powerLimitWatts(path))
            }
            visit(folder: path, parentName: name, depth: depth + 1, into: &found)
        }
    }

    /// The highest non-zero power limit among the zone's constraints (W), or nil.
    private func powerLimitWatts(_ path: String) -> Double? {
        var highest: UInt64 = 0
        for constraint in 0..<3 {
            for file in ["max_power_uw", "power_limit_uw"] {
                highest = max(highest, files.readUnsigned(path + "/constraint_\(constraint)_\(file)").value ?? 0)
            }
        }
        return highest > 0 ? Double(highest) / 1e6 : nil
    }

    /// A flat class link `intel-rapl:0:2` names its parent `intel-rapl:0`; read that zone's name.
    private func parentNameFromIdentifier(_ identifier: String, interface: PowercapZone.Interface) -> String? {
        let parts = identifier.split(separator: ":")
        guard parts.count >= 3 else { return nil }
        let parentIdentifier = parts.dropLast().joined(separator: ":")
        return files.read(root + "/" + parentIdentifier + "/name").text?.trimmingWhitespace()
    }

    /// `intel-rapl:…` or `intel-rapl-mmio:…`; nil for anything else (the bare control-type folder
    /// `intel-rapl`, `device`, `subsystem`, `power`).
    static func interface(of entry: String) -> PowercapZone.Interface? {
        if entry.hasPrefix("intel-rapl-mmio:") { return .mmio }
        if entry.hasPrefix("intel-rapl:") { return .msr }
        return nil
    }
}
