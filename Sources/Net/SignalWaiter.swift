import CSystem
#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGINT/SIGTERM (and optionally SIGHUP) into a callback on a dedicated thread, so the
/// event loops never run signal handlers. Call `blockTerminationSignals` first thing in main, before
/// any thread starts, so every thread inherits the blocked mask and only the waiter receives them.
public enum SignalWaiter {
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the handled signals in the calling thread and ignores SIGPIPE process-wide.
    public static func blockTerminationSignals() {
        for signal in handled { _ = CSystem_block_signal(signal) }
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Starts a thread that calls `handler` with each handled signal as it arrives.
    public static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        SystemThread.start(name: "signals") {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in handled { sigaddset(&set, signal) }
            while true {
                var received: Int32 = 0
                if sigwait(&set, &received) == 0 { handler(received) }
            }
        }
    }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
