#if canImport(Glibc)
    import Glibc
#endif

/// Clocks read without Foundation: the one monotonic clock timers, deadlines and durations use.
public enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC (for timers and durations: never jumps with NTP).
    @inlinable
    public static func monotonicNanoseconds() -> UInt64 { nanoseconds(CLOCK_MONOTONIC) }

    /// Nanoseconds since the Unix epoch (for timestamps shown to people).
    @inlinable
    public static func wallNanoseconds() -> UInt64 { nanoseconds(CLOCK_REALTIME) }

    /// Blocks the calling thread for `seconds` (nothing for zero or less), sleeping on after signals.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// `clock`'s time in nanoseconds. clock_gettime cannot fail for these clocks with a valid pointer.
    @inlinable
    static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
