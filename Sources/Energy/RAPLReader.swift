/// Reads the `energy_uj` counters of the zones a `RAPLPlan` chose, through an injectable file
/// layer. An unreadable counter is `permissionDenied` (root-only since CVE-2020-8694, kernel 5.10
/// and back-ports), kept apart from `absent` and reported with its fix.
public final class RAPLReader: Sendable {
    /// What a counter read gave, per zone identifier.
    public struct Reading: Sendable, Equatable {
        public var microjoules: [String: UInt64]
    }

    /// How to let the agent read `energy_uj` without running it as root.
    public static let permissionFix =
        "energy_uj is root-only (CVE-2020-8694); let the agent's group read it, e.g. a tmpfiles rule "
        + "'z /sys/class/powercap/intel-rapl:*/energy_uj 0440 root powercap' or a udev rule "
        + "SUBSYSTEM==\"powercap\", RUN+=\"/bin/chgrp powercap /sys%p/energy_uj\", "
        + "RUN+=\"/bin/chmod g+r /sys%p/energy_uj\", then run the agent in group powercap"

    /// The zones read, chosen among those whose counter could be read.
    public let plan: RAPLPlan
    public let status: SensorStatus
    let files: any SystemFileReading

    /// Discovers zones under `root`, tries each measuring zone's counter once and plans with the
    /// readable ones (so a psys zone stands in when the package counters cannot be read).
    public init(root: String = "/sys/class/powercap", files: any SystemFileReading = LiveSystemFiles()) {
        self.files = files
        var readable: [PowercapZone] = []
        var denied: [String] = []
        var failed: [String] = []
        for zone in PowercapDiscovery(root: root, files: files).zones() {
            if zone.kind == .nested || zone.kind == .other {
                readable.append(zone)  // never read; kept so the plan notes why it is left out
                continue
            }
            switch files.readUnsigned(zone.path + "/energy_uj") {
            case (.some, _): readable.append(zone)
            case (nil, .permissionDenied): denied.append(zone.identifier)
            case (nil, let result): failed.append("\(zone.identifier) \(result)")
            }
        }
        var plan = PowercapDiscovery.plan(for: readable)
        plan.notes += denied.map { "\($0) dropped: energy_uj permission denied" }
        plan.notes += failed.map { "\($0) dropped: energy_uj unreadable" }
        self.plan = plan
        if !plan.isEmpty {
            status = .available
        } else if !denied.isEmpty {
            status = .permissionDenied("\(denied.joined(separator: ", ")): \(Self.permissionFix)")
        } else if !failed.isEmpty {
            status = .failed("energy_uj unreadable: \(failed.joined(separator: "; "))")
        } else {
            status = .absent
        }
    }

    /// Reads every planned counter; a zone missing from the result failed this time.
    public func read() -> Reading {
        var values: [String: UInt64] = [:]
        for zone in plan.zones {
            if let value = files.readUnsigned(zone.path + "/energy_uj").value { values[zone.identifier] = value }
        }
        return Reading(microjoules: values)
    }
}
