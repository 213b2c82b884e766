import Net
import Support
import Synchronization

/// Bounds the work client loops hand to the JetStream thread (captured publishes, API requests,
/// acks): at most `maximumMessages` messages and `maximumBytes` bytes wait in its queue. A client
/// flooding faster than the JetStream thread syncs would otherwise grow that queue without limit.
///
/// Each connection has a share of a quarter of the bound (`HandOffShare`): when its share is full
/// the connection stops reading until the JetStream thread has drained it to half, so one flooding
/// publisher is slowed by TCP flow control, not refused. Only when several connections fill the
/// whole queue at once is work refused, not queued, as a last resort: the receiver answers what
/// carries a reply with a JetStream error and drops the rest. Shared by every loop: counters are
/// atomics.
final class JetStreamIntake: Sendable {
    static let defaultMaximumMessages = 65_536
    static let defaultMaximumBytes = 256 * 1024 * 1024

    /// Settable for tests; read on every hand-off.
    let maximumMessages = Atomic<Int>(JetStreamIntake.defaultMaximumMessages)
    let maximumBytes = Atomic<Int>(JetStreamIntake.defaultMaximumBytes)
    private let queuedMessages = Atomic<Int>(0)
    private let queuedBytes = Atomic<Int>(0)
    /// The most messages ever waiting at once (for tests and the log: the bound held).
    let peakMessages = Atomic<Int>(0)
    /// Times a connection stopped reading because its share was full.
    let pauses = Atomic<Int>(0)
    /// Work refused with an error reply to its sender.
    let refused = Atomic<Int>(0)
    /// Work refused without a reply to send (plain publishes, pulls, acks): lost, as on a full queue.
    let dropped = Atomic<Int>(0)
    private let notice = Mutex(RateLimitedNotice())

    /// Reserves room for one message of `bytes`; false (nothing reserved) when the queue is full.
    func admit(bytes: Int) -> Bool {
        let messages = queuedMessages.add(1, ordering: .relaxed).newValue
        let total = queuedBytes.add(bytes, ordering: .relaxed).newValue
        guard messages > maximumMessages.load(ordering: .relaxed) || total > maximumBytes.load(ordering: .relaxed)
        else {
            var peak = peakMessages.load(ordering: .relaxed)
            while messages > peak {
                let (exchanged, seen) = peakMessages.compareExchange(
                    expected: peak, desired: messages, ordering: .relaxed)
                if exchanged { break }
                peak = seen
            }
            return true
        }
        release(bytes: bytes)
        return false
    }

    /// Gives back what `admit` reserved, once the JetStream thread has handled the message.
    func release(bytes: Int) {
        queuedMessages.subtract(1, ordering: .relaxed)
        queuedBytes.subtract(bytes, ordering: .relaxed)
    }

    /// What one connection may have waiting before it stops reading: a quarter of the bound.
    var shareMessages: Int { max(1, maximumMessages.load(ordering: .relaxed) / 4) }
    var shareBytes: Int { max(1, maximumBytes.load(ordering: .relaxed) / 4) }

    /// Messages waiting now.
    var waiting: Int { queuedMessages.load(ordering: .relaxed) }

    /// Counts a refusal; returns how many went unlogged before it when this one should be logged
    /// (at most one line per burst, every 10 s).
    func noteRefusal(answered: Bool) -> Int? {
        if answered { refused.add(1, ordering: .relaxed) } else { dropped.add(1, ordering: .relaxed) }
        return notice.withLock { $0.record(now: Clock.monotonicNanoseconds()) }
    }
}
