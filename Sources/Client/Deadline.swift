#if canImport(Glibc)
    import Glibc
#endif

/// A point on the monotonic clock by which something must happen, or never.
package struct Deadline: Sendable, Comparable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    let uptimeNanoseconds: UInt64

    static let never = Deadline(uptimeNanoseconds: .max)

    static var now: Deadline { Deadline(uptimeNanoseconds: Deadline.monotonicNanoseconds()) }

    package static func after(_ duration: Duration) -> Deadline {
        let nanoseconds = duration.nanoseconds
        guard nanoseconds < Int64.max / 2 else { return .never }
        return Deadline(uptimeNanoseconds: Deadline.monotonicNanoseconds() &+ UInt64(max(0, nanoseconds)))
    }

    var isNever: Bool { uptimeNanoseconds == .max }

    package var hasPassed: Bool { !isNever && Deadline.monotonicNanoseconds() >= uptimeNanoseconds }

    /// Milliseconds left, rounded up, for `poll(2)`; -1 for never.
    var remainingMilliseconds: Int32 {
        if isNever { return -1 }
        let now = Deadline.monotonicNanoseconds()
        guard uptimeNanoseconds > now else { return 0 }
        return Int32(min((uptimeNanoseconds - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }

    /// Nanoseconds on `CLOCK_MONOTONIC` (CSystem's helper would clash with Glibc's module here).
    @inline(__always) static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
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
