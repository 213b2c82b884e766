/// One RAPL zone found under the powercap sysfs root (`intel-rapl:0`, `intel-rapl:0:2`,
/// `intel-rapl-mmio:0`). Zones are told apart by their `name` file, never by their index:
/// DRAM is `intel-rapl:0:0` on servers and `intel-rapl:0:2` on some desktops (docs/energy.md).
public struct PowercapZone: Sendable, Equatable {
    /// How the kernel reads the counter: MSRs (`intel-rapl`) or MMIO (`intel-rapl-mmio`), which is
    /// the same package read another way and must never be added to the MSR one.
    public enum Interface: String, Sendable {
        case msr = "intel-rapl"
        case mmio = "intel-rapl-mmio"
    }

    /// What a zone measures, from its `name` file.
    public enum Kind: Sendable, Equatable {
        /// `package-N` or `package-N-die-M`.
        case package(socket: Int, die: Int?)
        /// `dram`: not part of the package figure; reported beside it.
        case dram
        /// `psys`: the whole platform; used instead of the packages, never with them.
        case psys
        /// `core` or `uncore`: inside the package already; never added.
        case nested
        /// Any other name.
        case other
    }

    /// The zone's folder.
    public var path: String
    /// `intel-rapl:0:2`.
    public var identifier: String
    /// Contents of `name`: `package-0`, `dram`, …
    public var name: String
    /// The parent zone's `name` for a sub-zone (`package-0` for its `dram`), nil at top level.
    public var parentName: String?
    public var interface: Interface
    /// `max_energy_range_uj`; nil when unreadable, which turns any wrap into a gap.
    public var rangeMicrojoules: UInt64?
    public var kind: Kind
    /// The highest power limit the zone states (`constraint_N_max_power_uw` or
    /// `constraint_N_power_limit_uw`, N = 0…2), in W; nil when none is readable.
    public var powerLimitWatts: Double? = nil

    /// A default power no single zone plausibly exceeds when it states no limit (W). Generous on
    /// purpose: it only shortens the longest interval between reads that is still trusted.
    public static let defaultMaximumWatts = 1000.0
    /// How far above its stated limit a zone is assumed to go (short-term limits, PL2 bursts).
    public static let limitMargin = 1.5

    /// The power the zone cannot plausibly exceed: its stated limit × `limitMargin`, else
    /// `defaultMaximumWatts`.
    public var plausibleMaximumWatts: Double {
        powerLimitWatts.map { $0 * Self.limitMargin } ?? Self.defaultMaximumWatts
    }

    /// The longest time between two reads in which the counter cannot wrap twice (seen as one
    /// wrap, or none, it would lose a whole range): `max_energy_range_uj` ÷ the plausible maximum
    /// power. nil when the range is unknown (any wrap is a gap anyway). Reads further apart than
    /// this are a gap.
    public var safeReadIntervalSeconds: Double? {
        rangeMicrojoules.map { Double($0) / 1e6 / plausibleMaximumWatts }
    }

    /// The key that makes an MMIO zone a duplicate of an MSR one: the chain of names.
    var duplicateKey: String { parentName.map { "\($0)/\(name)" } ?? name }

    /// `package-0` → socket 0; `package-1-die-1` → socket 1, die 1; `core`/`uncore` → nested.
    public static func kind(ofName name: String) -> Kind {
        switch name {
        case "dram": return .dram
        case "psys": return .psys
        case "core", "uncore": return .nested
        default: break
        }
        let parts = name.split(separator: "-")
        guard parts.count >= 2, parts[0] == "package", let socket = Int(parts[1]) else { return .other }
        if parts.count == 2 { return .package(socket: socket, die: nil) }
        if parts.count == 4, parts[2] == "die", let die = Int(parts[3]) { return .package(socket: socket, die: die) }
        return .other
    }
}
