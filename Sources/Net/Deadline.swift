import Support

/// A point on the monotonic clock by which something must happen, or never.
package struct Deadline: Sendable, Comparable {
    /// Nanoseconds on `Clock.monotonicNanoseconds()`.
    package let uptimeNanoseconds: UInt64

    package static let never = Deadline(uptimeNanoseconds: .max)

    package static var now: Deadline { Deadline(uptimeNanoseconds: Clock.monotonicNanoseconds()) }

    package static func after(_ duration: Duration) -> Deadline {
        let nanoseconds = duration.nanoseconds
        guard nanoseconds < Int64.max / 2 else { return .never }
        return Deadline(uptimeNanoseconds: Clock.monotonicNanoseconds() &+ UInt64(max(0, nanoseconds)))
    }

    package var isNever: Bool { uptimeNanoseconds == .max }

    package var hasPassed: Bool { !isNever && Clock.monotonicNanoseconds() >= uptimeNanoseconds }

    /// Milliseconds left, rounded up, for `poll(2)`; -1 for never.
    package var remainingMilliseconds: Int32 {
        if isNever { return -1 }
        let now = Clock.monotonicNanoseconds()
        guard uptimeNanoseconds > now else { return 0 }
        return Int32(min((uptimeNanoseconds - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }

    package static func < (left: Deadline, right: Deadline) -> Bool { left.uptimeNanoseconds < right.uptimeNanoseconds }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max`.
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return whole &+ attoseconds / 1_000_000_000
    }
}
