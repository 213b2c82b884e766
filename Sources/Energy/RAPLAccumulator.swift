/// One RAPL domain's sums since the meter started, as the counter reads built them.
public struct RAPLTotals: Sendable, Equatable {
    /// Energy over the stretches between reads that could be trusted (J), and their length (s).
    public var joules = 0.0
    public var measuredSeconds = 0.0
    /// Stretches between reads that could not be trusted (a zone read later than its safe interval,
    /// an unknown range, an unreadable counter): their count and length (s).
    public var gaps = 0
    public var gapSeconds = 0.0
    public var wraps = 0
    /// Seconds lost per zone name because its reads came later than its safe interval.
    public var lateZoneSeconds: [String: Double] = [:]
    /// Zones counted and their ranges (µJ), and the mirrored-die note, from the last read.
    public var zones: [String] = []
    public var ranges: [UInt64] = []
    public var note: String?

    public init() {}

    /// The sums moved from `earlier` to `self`.
    func since(_ earlier: RAPLTotals) -> RAPLTotals {
        var change = self
        change.joules = max(0, joules - earlier.joules)
        change.measuredSeconds = max(0, measuredSeconds - earlier.measuredSeconds)
        change.gaps = max(0, gaps - earlier.gaps)
        change.gapSeconds = max(0, gapSeconds - earlier.gapSeconds)
        change.wraps = max(0, wraps - earlier.wraps)
        change.lateZoneSeconds = lateZoneSeconds.compactMapValues { seconds in seconds > 0 ? seconds : nil }
        for (zone, seconds) in lateZoneSeconds {
            let moved = seconds - (earlier.lateZoneSeconds[zone] ?? 0)
            change.lateZoneSeconds[zone] = moved > 0 ? moved : nil
        }
        return change
    }

    /// The sums a `fraction` (0…1) of the way from `earlier` to `self`: the stretch between two reads
    /// split in proportion to time (its energy is only known as a whole).
    func interpolated(from earlier: RAPLTotals, fraction: Double) -> RAPLTotals {
        var point = earlier
        point.joules += (joules - earlier.joules) * fraction
        point.measuredSeconds += (measuredSeconds - earlier.measuredSeconds) * fraction
        point.gapSeconds += (gapSeconds - earlier.gapSeconds) * fraction
        for (zone, seconds) in lateZoneSeconds {
            let before = earlier.lateZoneSeconds[zone] ?? 0
            point.lateZoneSeconds[zone] = before + (seconds - before) * fraction
        }
        return point
    }
}

/// Sums RAPL energy per domain from counter reads taken on their own schedule (`EnergyMeter`'s
/// counter thread, and at every sample), so a slow GPU query never stretches the time between two
/// reads of a counter that wraps. Each zone's reads must come at most its safe interval apart
/// (`PowercapZone.safeReadIntervalSeconds`); a longer stretch is a gap for the domains holding that
/// zone, counted with its zone and length, never a silent under-count. Not thread-safe: the meter
/// keeps it under its own lock, which nothing slow holds.
struct RAPLAccumulator {
    let reader: RAPLReader
    private var tracker: RAPLCounterTracker
    /// Safe interval per zone identifier (s); zones without a range are left out.
    let safeSeconds: [String: Double]
    /// Recent reads, oldest first, with the sums after each: a sample that waited for its lock (behind
    /// a slow GPU query) still finds the sums at its own time.
    private var history: [(time: UInt64, totals: [String: RAPLTotals])] = []
    /// Reads kept in `history` (about 20 s at the fastest read period).
    static let historyLength = 1024

    var last: (time: UInt64, totals: [String: RAPLTotals])? { history.last }

    init(reader: RAPLReader) {
        self.reader = reader
        tracker = RAPLCounterTracker(plan: reader.plan)
        var safe: [String: Double] = [:]
        for zone in reader.plan.zones {
            if let seconds = zone.safeReadIntervalSeconds { safe[zone.identifier] = seconds }
        }
        safeSeconds = safe
    }

    /// The shortest safe interval of any zone read (s), nil when no range is known.
    var shortestSafeSeconds: Double? { safeSeconds.values.min() }

    /// Reads every counter at `time` (CLOCK_MONOTONIC ns) and adds the stretch since the last read.
    /// A time not after the last read is ignored.
    mutating func read(at time: UInt64) {
        if let last, time <= last.time { return }
        let reading = reader.read()
        guard let last else {
            _ = tracker.advance(to: reading)
            history.append((time, [:]))
            return
        }
        let seconds = Double(time - last.time) / 1e9
        let late = Set(safeSeconds.filter { seconds > $0.value }.keys)
        var totals = last.totals
        for domain in tracker.advance(to: reading, lateZones: late) {
            var sums = totals[domain.domain] ?? RAPLTotals()
            if let joules = domain.joules {
                sums.joules += joules
                sums.measuredSeconds += seconds
                sums.wraps += domain.wraps
            } else {
                sums.gaps += 1
                sums.gapSeconds += seconds
                for zone in domain.lateZones { sums.lateZoneSeconds[zone, default: 0] += seconds }
            }
            sums.zones = domain.zones
            sums.ranges = domain.ranges
            sums.note = domain.note
            totals[domain.domain] = sums
        }
        if history.count >= Self.historyLength { history.removeFirst(history.count / 2) }
        history.append((time, totals))
    }

    /// The sums at `time`: read now when `time` is after the last read; when another thread read
    /// later already, the sums interpolated between the two reads around `time` (the oldest kept
    /// when `time` is older still). Nil before the first read.
    mutating func totals(at time: UInt64) -> [String: RAPLTotals]? {
        read(at: time)
        guard let last else { return nil }
        guard time < last.time else { return last.totals }
        guard let after = history.lastIndex(where: { $0.time <= time }).map({ $0 + 1 }) else {
            return history[0].totals
        }
        let previous = history[after - 1]
        let next = history[after]
        guard time > previous.time else { return previous.totals }
        let fraction = Double(time - previous.time) / Double(next.time - previous.time)
        var point: [String: RAPLTotals] = [:]
        for (domain, sums) in next.totals {
            point[domain] = sums.interpolated(from: previous.totals[domain] ?? RAPLTotals(), fraction: fraction)
        }
        return point
    }
}
