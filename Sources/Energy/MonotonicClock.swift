#if canImport(Glibc)
    import Glibc
#endif

/// Nanoseconds on CLOCK_MONOTONIC: the time base `EnergyMeter` expects (never jumps with NTP).
public enum MonotonicClock {
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        // CLOCK_MONOTONIC cannot fail on Linux with a valid pointer; checked all the same.
        precondition(clock_gettime(CLOCK_MONOTONIC, &spec) == 0, "clock_gettime(CLOCK_MONOTONIC) failed")
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Sleeps `seconds` (resumes after signals until the time has passed).
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
