import CSystem

/// Clocks read without Foundation.
public enum Clock {
    /// Nanoseconds on the monotonic clock (for timers and durations).
    @inline(__always) public static func monotonicNanoseconds() -> UInt64 { CSystem_monotonic_ns() }
    /// Nanoseconds since the Unix epoch (for timestamps shown to people).
    @inline(__always) public static func wallNanoseconds() -> UInt64 { CSystem_realtime_ns() }
}
