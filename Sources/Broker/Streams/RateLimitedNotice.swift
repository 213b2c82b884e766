/// Decides when a repeated event (an ack in a form we refuse, a publish dropped at the hand-off)
/// is worth a log line: the first one, then at most one per `interval`, each saying how many went
/// unlogged in between. A flood of hostile messages must not become a flood of log lines.
struct RateLimitedNotice {
    /// Nanoseconds between two log lines.
    let interval: UInt64
    private var lastLogged: UInt64?
    private var suppressed = 0

    init(interval: UInt64 = 10_000_000_000) {
        self.interval = interval
    }

    /// Records one event at `now` (monotonic nanoseconds); returns how many earlier ones went
    /// unlogged when this one should be logged, nil when it should not.
    mutating func record(now: UInt64) -> Int? {
        if let lastLogged, now &- lastLogged < interval {
            suppressed += 1
            return nil
        }
        lastLogged = now
        defer { suppressed = 0 }
        return suppressed
    }
}
