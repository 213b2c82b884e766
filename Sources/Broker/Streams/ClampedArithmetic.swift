/// Arithmetic on durations, sizes and sequences that came off the wire or out of JSON: a hostile
/// value (`expires` near `Int64.max`, a NAK delay of years) must pin the result at the end of the
/// range instead of trapping and taking the broker down.
extension Int64 {
    /// `self + other`, pinned to `Int64.min ... Int64.max`.
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, pinned to `Int64.min ... Int64.max`.
    func subtractingClamped(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}

extension UInt64 {
    /// `self + other`, pinned to `UInt64.max`.
    func addingClamped(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
