/// The energy a wrapping counter moved between two reads (docs/energy.md, "Wrap-around"):
/// ```
/// ΔE = e1 − e0             if e1 ≥ e0
/// ΔE = e1 + R − e0         if e1 < e0   (R = max_energy_range_uj of that zone; a wrap)
/// gap                      if R unknown (the interval is dropped, never negative)
/// ```
/// One interval cannot hold two wraps when reads are at most the zone's safe interval apart
/// (`PowercapZone.safeReadIntervalSeconds`); `RAPLAccumulator` makes a longer one a gap.
public enum CounterDelta: Sendable, Equatable {
    /// The counter moved by this many units; `wrapped` when it passed its range once.
    case moved(UInt64, wrapped: Bool)
    /// The movement cannot be known: the interval is dropped and counted as a gap.
    case gap

    /// The delta from `previous` to `current` for a counter that wraps at `range` (nil: unknown).
    public static func between(_ previous: UInt64, _ current: UInt64, range: UInt64?) -> CounterDelta {
        if current >= previous { return .moved(current - previous, wrapped: false) }
        guard let range, range >= previous else { return .gap }
        return .moved(current + (range - previous), wrapped: true)
    }
}
