import Synchronization

/// One connection's part of the hand-off to the JetStream thread: what it has queued there and not
/// yet seen handled. Its publishes are back-pressured rather than refused: once its share is full
/// (`JetStreamIntake.shareMessages` messages or `shareBytes` bytes) the connection stops reading its
/// socket, so further input waits in the kernel and TCP slows the publisher; when the JetStream
/// thread has drained the share to half, it posts a wake to the connection's loop.
///
/// The owner loop pauses (`pausesAfterHandOff`) and the JetStream thread wakes (`releaseWakes`)
/// without a lock: each side first writes (the waiting flag, the count) and then reads the other's
/// write, and whichever side clears the flag acts, so a pause is never left without its wake.
final class HandOffShare: Sendable {
    private let messages = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    /// The owner paused and waits for a wake.
    private let isWaiting = Atomic<Bool>(false)

    /// Messages queued now.
    var queuedMessages: Int { messages.load(ordering: .sequentiallyConsistent) }

    /// Counts one message of `size` bytes handed off. Owner loop.
    func take(bytes size: Int) {
        messages.add(1, ordering: .sequentiallyConsistent)
        bytes.add(size, ordering: .sequentiallyConsistent)
    }

    /// Whether the owner should stop reading now that its share holds what it took; when true, a wake
    /// (a `releaseWakes` returning true) will follow. Owner loop, after `take`.
    func pausesAfterHandOff(within intake: JetStreamIntake) -> Bool {
        guard isFull(intake) else { return false }
        isWaiting.store(true, ordering: .sequentiallyConsistent)
        guard isDrained(intake) else { return true }
        // Drained meanwhile: take the flag back, unless the JetStream thread took it and will wake us.
        return !isWaiting.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged
    }

    /// Gives back one handled message of `size` bytes; true when the owner waits and the share has
    /// drained to half: the caller posts the wake (exactly one per pause). JetStream thread.
    func releaseWakes(bytes size: Int, within intake: JetStreamIntake) -> Bool {
        messages.subtract(1, ordering: .sequentiallyConsistent)
        bytes.subtract(size, ordering: .sequentiallyConsistent)
        guard isDrained(intake) else { return false }
        return isWaiting.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged
    }

    private func isFull(_ intake: JetStreamIntake) -> Bool {
        messages.load(ordering: .sequentiallyConsistent) >= intake.shareMessages
            || bytes.load(ordering: .sequentiallyConsistent) >= intake.shareBytes
    }

    /// At or below the low-water mark: half the share.
    private func isDrained(_ intake: JetStreamIntake) -> Bool {
        messages.load(ordering: .sequentiallyConsistent) <= intake.shareMessages / 2
            && bytes.load(ordering: .sequentiallyConsistent) <= intake.shareBytes / 2
    }
}
