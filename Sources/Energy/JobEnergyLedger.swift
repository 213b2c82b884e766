import Model

/// What the meter knows about a measured domain, for the report's labels.
struct DomainDescription: Sendable {
    var domain: String
    var source: EnergyReport.Source
    var zones: [String]
    var ranges: [UInt64]
    var model: String?
    var device: String?
    var driver: String?
    /// The fixed part of the attribution text (formulas and idle policy).
    var attribution: String
}

/// One job's running sums for one component (docs/energy.md, "What every result records").
struct ComponentLedger: Sendable {
    var description: DomainDescription
    var dynamicJoules = 0.0
    var idleJoules = 0.0
    /// Σ o_jk · Δt over intervals that were not gaps.
    var coveredSeconds = 0.0
    var gaps = 0
    /// Σ o_jk · Δt over the parts of intervals that were gaps, and the part of it per zone whose reads
    /// came later than its safe interval.
    var gapSeconds = 0.0
    var lateZoneSeconds: [String: Double] = [:]
    var wraps = 0
    var peakWatts = 0.0
    /// Split methods seen, in the order first used.
    var methods: [String] = []
    var notes: [String] = []

    mutating func add(_ split: IntervalAttribution.Split, aliveSeconds: Double, method: String) {
        dynamicJoules += split.dynamic
        idleJoules += split.idle
        coveredSeconds += aliveSeconds
        if aliveSeconds > 0 { peakWatts = max(peakWatts, split.total / aliveSeconds) }
        if !methods.contains(method) { methods.append(method) }
    }

    /// Counts an interval's gaps; `aliveSeconds` is the job's part of the whole interval.
    mutating func addGaps(_ gaps: CounterGaps, aliveSeconds: Double) {
        guard gaps.count > 0 || gaps.fraction > 0 else { return }
        self.gaps += gaps.count
        gapSeconds += aliveSeconds * gaps.fraction
        let share = aliveSeconds > 0 && gaps.fraction > 0 ? aliveSeconds * gaps.fraction : 0
        let total = gaps.lateZoneSeconds.values.max() ?? 0
        for (zone, seconds) in gaps.lateZoneSeconds where total > 0 {
            lateZoneSeconds[zone, default: 0] += share * seconds / total
        }
    }

    func component(wallSeconds: Double, samples: Int, meanInterval: Double, maxInterval: Double)
        -> EnergyReport.Component
    {
        let total = dynamicJoules + idleJoules
        var attribution = description.attribution
        if !methods.isEmpty { attribution += "; split: " + methods.joined(separator: ", ") }
        for note in notes { attribution += "; " + note }
        if !lateZoneSeconds.isEmpty {
            let zones = lateZoneSeconds.sorted { $0.key < $1.key }.map { zone, seconds in
                "\(zone) \(MeterCore.rounded(seconds, places: 2)) s"
            }
            attribution +=
                "; not measured: counters read later than their safe interval ("
                + zones.joined(separator: ", ") + "), left out of coverage and energy"
        }
        return EnergyReport.Component(
            domain: description.domain, source: description.source, zones: description.zones,
            rangesMicrojoules: description.ranges, samples: samples, meanIntervalSeconds: meanInterval,
            maxIntervalSeconds: maxInterval, coverage: wallSeconds > 0 ? min(1, coveredSeconds / wallSeconds) : 0,
            wraps: wraps, gaps: gaps, totalJoules: total, dynamicJoules: dynamicJoules, idleJoules: idleJoules,
            averageWatts: coveredSeconds > 0 ? total / coveredSeconds : 0, peakWatts: peakWatts,
            attribution: attribution, model: description.model, device: description.device,
            driver: description.driver, gapSeconds: gaps > 0 ? gapSeconds : nil,
            lateZoneSeconds: lateZoneSeconds.isEmpty ? nil : lateZoneSeconds)
    }
}

/// One job's sums across components, from `begin` to `end`.
struct JobEnergyLedger: Sendable {
    let beganAt: UInt64
    var samples = 0
    var intervals = 0
    var intervalSeconds = 0.0
    var longestInterval = 0.0
    var peakWatts = 0.0
    /// Components in the order first seen.
    var components: [ComponentLedger] = []

    init(beganAt: UInt64) { self.beganAt = beganAt }

    mutating func withComponent(_ description: DomainDescription, _ change: (inout ComponentLedger) -> Void) {
        if let offset = components.firstIndex(where: { $0.description.domain == description.domain }) {
            components[offset].description = description  // the latest labels (learned P_idle, mirrored dies)
            change(&components[offset])
        } else {
            var ledger = ComponentLedger(description: description)
            change(&ledger)
            components.append(ledger)
        }
    }

    mutating func countInterval(seconds: Double) {
        intervals += 1
        intervalSeconds += seconds
        longestInterval = max(longestInterval, seconds)
    }

    /// The result's energy section. `source` is the weakest source among the components that
    /// count (`not-measured` ones are listed but count for nothing).
    func report(endedAt: UInt64) -> EnergyReport {
        let wall = endedAt > beganAt ? Double(endedAt - beganAt) / 1e9 : 0
        let mean = intervals > 0 ? intervalSeconds / Double(intervals) : 0
        let parts = components.map {
            $0.component(wallSeconds: wall, samples: samples, meanInterval: mean, maxInterval: longestInterval)
        }
        let counted = parts.filter { $0.source != .notMeasured }
        let total = counted.reduce(0) { $0 + $1.totalJoules }
        let dynamic = counted.reduce(0) { $0 + $1.dynamicJoules }
        let weakest = counted.map(\.source).min { Self.strength($0) < Self.strength($1) } ?? .notMeasured
        return EnergyReport(
            components: parts, totalJoules: total, dynamicJoules: dynamic, source: weakest,
            averageWatts: wall > 0 ? total / wall : 0, peakWatts: peakWatts)
    }

    /// Counters beat integrated power, which beats nvidia-smi's ±5 W, which beats a model.
    static func strength(_ source: EnergyReport.Source) -> Int {
        switch source {
        case .rapl, .nvmlEnergy: 4
        case .nvmlPower: 3
        case .nvidiaSMI: 2
        case .estimated: 1
        case .notMeasured: 0
        }
    }
}
