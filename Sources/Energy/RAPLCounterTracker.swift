/// Turns successive RAPL readings into per-domain energy for each interval: Σ `package-*`
/// deltas (all sockets), Σ `dram`, or `psys` alone (docs/energy.md). Each zone's delta handles its own
/// wrap with its own `max_energy_range_uj`; a domain with any zone gapped is a gap for that
/// interval (a partial sum would under-count). Dies of one package whose counters move together
/// (same delta, same value: one register seen twice, a known ~2× over-count on some AMD parts)
/// are counted once from the first interval that shows it, and the domain says so.
public struct RAPLCounterTracker {
    /// One domain over one interval.
    public struct DomainInterval: Sendable, Equatable {
        /// `package`, `dram` or `psys`.
        public var domain: String
        /// Energy in joules; nil for a gap.
        public var joules: Double?
        /// Zone wrap-arounds handled in this interval.
        public var wraps: Int
        /// Zones counted, and their ranges (µJ, 0 when unknown).
        public var zones: [String]
        public var ranges: [UInt64]
        /// Mirrored zones counted once, if any.
        public var note: String?
        /// Zones whose reads were further apart than their safe interval (a gap), by name.
        public var lateZones: [String] = []
    }

    public let plan: RAPLPlan
    private var previous: RAPLReader.Reading?
    /// Sockets whose dies were found mirrored (latched for the session).
    public private(set) var mirroredSockets: Set<Int> = []

    public init(plan: RAPLPlan) { self.plan = plan }

    /// The domains over the interval since the last reading; empty for the first reading. Zones in
    /// `lateZones` (identifiers) were read too far apart to trust a delta: they are gaps.
    public mutating func advance(to reading: RAPLReader.Reading, lateZones: Set<String> = []) -> [DomainInterval] {
        defer { previous = reading }
        guard let previous else { return [] }
        var deltas: [String: CounterDelta] = [:]
        for zone in plan.zones {
            if lateZones.contains(zone.identifier) {
                deltas[zone.identifier] = .gap
                continue
            }
            guard let before = previous.microjoules[zone.identifier], let after = reading.microjoules[zone.identifier]
            else {
                deltas[zone.identifier] = .gap
                continue
            }
            deltas[zone.identifier] = CounterDelta.between(before, after, range: zone.rangeMicrojoules)
        }
        detectMirroredDies(deltas: deltas, reading: reading)
        var domains: [DomainInterval] = []
        if !plan.packages.isEmpty {
            let (counted, note) = countedPackages()
            domains.append(Self.domain("package", zones: counted, deltas: deltas, note: note))
        }
        if !plan.dram.isEmpty { domains.append(Self.domain("dram", zones: plan.dram, deltas: deltas, note: nil)) }
        if let psys = plan.psys { domains.append(Self.domain("psys", zones: [psys], deltas: deltas, note: nil)) }
        for offset in domains.indices {
            let names = Set(domains[offset].zones)
            domains[offset].lateZones = plan.zones.filter {
                lateZones.contains($0.identifier) && names.contains($0.name)
            }.map(\.name)
        }
        return domains
    }

    /// Package zones to add up: every package zone, less the second and later die of a
    /// mirrored socket.
    func countedPackages() -> (zones: [PowercapZone], note: String?) {
        var counted: [PowercapZone] = []
        var skipped: [String] = []
        var firstDie: [Int: String] = [:]
        for zone in plan.packages {
            guard case .package(let socket, .some) = zone.kind, mirroredSockets.contains(socket) else {
                counted.append(zone)
                continue
            }
            if let first = firstDie[socket] {
                skipped.append("\(zone.name) mirrors \(first)")
            } else {
                firstDie[socket] = zone.name
                counted.append(zone)
            }
        }
        let note = skipped.isEmpty ? nil : "mirrored die counters counted once: " + skipped.joined(separator: ", ")
        return (counted, note)
    }

    /// Latches a socket as mirrored when all its die zones moved by the same non-zero amount and
    /// read values closer than that amount (independent dies drift apart by far more).
    private mutating func detectMirroredDies(deltas: [String: CounterDelta], reading: RAPLReader.Reading) {
        var diesBySocket: [Int: [PowercapZone]] = [:]
        for zone in plan.packages {
            if case .package(let socket, .some) = zone.kind { diesBySocket[socket, default: []].append(zone) }
        }
        for (socket, dies) in diesBySocket where dies.count > 1 && !mirroredSockets.contains(socket) {
            var moves: [UInt64] = []
            var values: [UInt64] = []
            for die in dies {
                guard case .moved(let amount, _) = deltas[die.identifier], amount > 0,
                    let value = reading.microjoules[die.identifier]
                else { break }
                moves.append(amount)
                values.append(value)
            }
            guard moves.count == dies.count, let first = moves.first, let firstValue = values.first else { continue }
            let tolerance = max(first / 1000, 1)
            let sameMove = moves.allSatisfy { $0 >= first - min(first, tolerance) && $0 <= first + tolerance }
            let sameValue = values.allSatisfy { $0 >= firstValue - min(firstValue, first) && $0 <= firstValue + first }
            if sameMove && sameValue { mirroredSockets.insert(socket) }
        }
    }

    private static func domain(
        _ name: String, zones: [PowercapZone], deltas: [String: CounterDelta], note: String?
    ) -> DomainInterval {
        var total: UInt64 = 0
        var wraps = 0
        var gapped = false
        for zone in zones {
            switch deltas[zone.identifier] ?? .gap {
            case .moved(let amount, let wrapped):
                total += amount
                if wrapped { wraps += 1 }
            case .gap:
                gapped = true
            }
        }
        return DomainInterval(
            domain: name, joules: gapped ? nil : Double(total) / 1e6, wraps: wraps, zones: zones.map(\.name),
            ranges: zones.map { $0.rangeMicrojoules ?? 0 }, note: note)
    }
}
