#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Calls `EnergyMeter.sample(now:)` at a fixed period on its own POSIX thread (sensor reads and
/// nvidia-smi runs block, so they stay off event loops and the cooperative pool). The period is
/// kept against CLOCK_MONOTONIC so a slow read does not make the rate drift.
public final class EnergySamplingThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let thread: Mutex<pthread_t?> = Mutex(nil)

    /// The work handed to the thread.
    private final class Work {
        let meter: EnergyMeter
        let period: Double
        let owner: EnergySamplingThread
        init(meter: EnergyMeter, period: Double, owner: EnergySamplingThread) {
            self.meter = meter
            self.period = period
            self.owner = owner
        }
    }

    /// Starts sampling `meter` every `intervalSeconds` (default: the meter's configured
    /// interval; clamped to 0.01…1 s).
    public init(meter: EnergyMeter, intervalSeconds: Double? = nil) throws(SystemCallError) {
        let period = min(max(intervalSeconds ?? meter.sampleIntervalSeconds, 0.01), 1)
        let work = Work(meter: meter, period: period, owner: self)
        let box = Unmanaged.passRetained(work).toOpaque()
        var created = pthread_t()
        let status = pthread_create(
            &created, nil,
            { argument in
                // Retained above for exactly this one hand-over; released here.
                let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
                work.owner.run(meter: work.meter, period: work.period)
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(box).release()
            throw SystemCallError(call: "pthread_create", code: status)
        }
        thread.withLock { $0 = created }
    }

    private func run(meter: EnergyMeter, period: Double) {
        var next = MonotonicClock.nanoseconds()
        let step = UInt64(period * 1e9)
        while !stopping.load(ordering: .acquiring) {
            meter.sample(now: MonotonicClock.nanoseconds())
            next += step
            let now = MonotonicClock.nanoseconds()
            if next <= now { next = now + step }  // fell behind: skip, do not burst
            // Sleep in slices of at most 100 ms so `stop` returns promptly.
            while !stopping.load(ordering: .acquiring) {
                let left = next > MonotonicClock.nanoseconds() ? next - MonotonicClock.nanoseconds() : 0
                if left == 0 { break }
                MonotonicClock.sleep(seconds: Double(min(left, 100_000_000)) / 1e9)
            }
        }
    }

    /// Stops the thread and waits for it; later calls do nothing.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        guard
            let running = thread.withLock({ value -> pthread_t? in
                defer { value = nil }
                return value
            })
        else { return }
        _ = pthread_join(running, nil)
    }

    deinit { stop() }
}

/// A failed system call, named, with its errno text.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var code: Int32
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
