#if canImport(Glibc)
    import Glibc
#endif
import Support
import Synchronization

/// Drives an `EnergyMeter` from POSIX threads of its own (sensor reads and nvidia-smi runs block,
/// so they stay off event loops and the cooperative pool):
/// - the counter thread calls `readCounters(now:)` every `counterReadIntervalSeconds`; it shares
///   nothing slow, so counters that wrap are read on time however long a GPU query takes;
/// - the sample thread calls `sample(now:)` every sample interval (process CPU, attribution);
/// - the GPU thread, when there are GPUs, calls `readGPUs()` (nvidia-smi can take over a second on
///   a busy machine; it runs with a timeout), every sample interval or back to back when slower.
/// Each period is kept against CLOCK_MONOTONIC so a slow read does not make the rate drift.
public final class EnergySamplingThread: Sendable {
    private let counterThread: PeriodicThread
    private let sampleThread: PeriodicThread
    private let gpuThread: PeriodicThread?

    /// Starts sampling `meter` every `intervalSeconds` (default: the meter's configured
    /// interval; clamped to 0.01…1 s) and reading its counters every
    /// `meter.counterReadIntervalSeconds` (at most the sample period).
    public init(meter: EnergyMeter, intervalSeconds: Double? = nil) throws(SystemCallError) {
        let period = min(max(intervalSeconds ?? meter.sampleIntervalSeconds, 0.01), 1)
        if meter.hasGPUs { meter.readGPUsApart() }
        counterThread = try PeriodicThread(period: min(meter.counterReadIntervalSeconds, period)) { now in
            meter.readCounters(now: now)
        }
        do {
            sampleThread = try PeriodicThread(period: period) { now in meter.sample(now: now) }
        } catch {
            counterThread.stop()
            throw error
        }
        do {
            gpuThread = meter.hasGPUs ? try PeriodicThread(period: period) { _ in meter.readGPUs() } : nil
        } catch {
            sampleThread.stop()
            counterThread.stop()
            throw error
        }
    }

    /// Stops the threads and waits for them; later calls do nothing.
    public func stop() {
        gpuThread?.stop()
        sampleThread.stop()
        counterThread.stop()
    }

    deinit { stop() }
}

/// A POSIX thread that calls `work(now)` every `period` seconds until stopped.
private final class PeriodicThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let thread: Mutex<pthread_t?> = Mutex(nil)

    /// The work handed to the thread.
    private final class Work {
        let period: Double
        let owner: PeriodicThread
        let work: @Sendable (UInt64) -> Void
        init(period: Double, owner: PeriodicThread, work: @escaping @Sendable (UInt64) -> Void) {
            self.period = period
            self.owner = owner
            self.work = work
        }
    }

    init(period: Double, work: @escaping @Sendable (UInt64) -> Void) throws(SystemCallError) {
        let box = Unmanaged.passRetained(Work(period: period, owner: self, work: work)).toOpaque()
        var created = pthread_t()
        let status = pthread_create(
            &created, nil,
            { argument in
                // Retained above for exactly this one hand-over; released here.
                let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
                work.owner.run(period: work.period, work: work.work)
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(box).release()
            throw SystemCallError(call: "pthread_create", code: status)
        }
        thread.withLock { $0 = created }
    }

    private func run(period: Double, work: (UInt64) -> Void) {
        var next = Clock.monotonicNanoseconds()
        let step = UInt64(period * 1e9)
        while !stopping.load(ordering: .acquiring) {
            work(Clock.monotonicNanoseconds())
            next += step
            let now = Clock.monotonicNanoseconds()
            if next <= now { next = now + step }  // fell behind: skip, do not burst
            // Sleep in slices of at most 100 ms so `stop` returns promptly.
            while !stopping.load(ordering: .acquiring) {
                let left = next > Clock.monotonicNanoseconds() ? next - Clock.monotonicNanoseconds() : 0
                if left == 0 { break }
                Clock.sleep(seconds: Double(min(left, 100_000_000)) / 1e9)
            }
        }
    }

    /// Stops the thread and waits for it; later calls do nothing.
    func stop() {
        stopping.store(true, ordering: .releasing)
        guard
            let running = thread.withLock({ value -> pthread_t? in
                defer { value = nil }
                return value
            })
        else { return }
        _ = pthread_join(running, nil)
    }
}

/// A failed system call, named, with its errno text.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var code: Int32
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
