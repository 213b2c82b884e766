import Net
import Support

/// Turns SIGINT/SIGTERM into a stop request a command's main thread waits for. Call
/// `SignalWaiter.blockTerminationSignals()` first. Later signals run `onRepeat` (e.g. "stop now").
public final class StopRequest: @unchecked Sendable {
    private let condition = Condition(lock: Lock())
    /// Signals received; guarded by `condition.lock`.
    private var signals = 0

    public init(logger: Logger, onRepeat: @escaping @Sendable () -> Void = {}) {
        SignalWaiter.start { [self] signal in
            logger.info("signal received", ["signal": SignalWaiter.name(signal)])
            let count = condition.lock.withLock { () -> Int in
                signals += 1
                condition.broadcast()
                return signals
            }
            if count > 1 { onRepeat() }
        }
    }

    /// Blocks until the first signal.
    public func wait() {
        condition.lock.withLock {
            while signals == 0 {
                condition.wait(untilMonotonicNanoseconds: Clock.monotonicNanoseconds() + 1_000_000_000)
            }
        }
    }
}
