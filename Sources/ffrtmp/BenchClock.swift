#if canImport(Glibc)
    import Glibc
#endif

/// The monotonic clock in nanoseconds, and short sleeps, for the benchmark's timing.
enum BenchClock {
    @inline(__always) static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Sleeps about `microseconds` (gives the CPU to the server and subscribers while waiting).
    static func sleep(microseconds: Int) {
        var request = timespec(tv_sec: 0, tv_nsec: microseconds * 1000)
        _ = nanosleep(&request, nil)
    }
}
