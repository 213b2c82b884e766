import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Clocks read without Foundation.
public enum Clock {
    /// Nanoseconds on the monotonic clock (for timers and durations).
    @inline(__always) public static func monotonicNanoseconds() -> UInt64 { CSystem_monotonic_ns() }
    /// Nanoseconds since the Unix epoch (for timestamps shown to people).
    @inline(__always) public static func wallNanoseconds() -> UInt64 { CSystem_realtime_ns() }

    /// Blocks the calling thread for `seconds` (nothing for zero or less).
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
