import Support

/// Reading paused so that memory stays bounded: for the JetStream hand-off, and for a subscriber
/// whose output lags behind what its publishers send.
///
/// A lagging subscriber: when a publish leaves a subscriber with more than `laggingThreshold` bytes
/// of output not yet taken by its socket, the publisher (on its own loop) stops reading until that
/// output falls to half the threshold or `laggingSubscriberWait` (10 ms) passes. Its input stays in the kernel,
/// where TCP flow control slows it down. Without this, a subscriber slower than its publisher holds
/// the difference in the broker (up to `max_pending`, 64 MiB by default, per subscriber). A wait that
/// runs out lets the publisher run for as long again before it waits anew, so a subscriber that does
/// not read at all still fills up to `max_pending` and is cut off as a slow consumer, as before.
/// nats-server stalls a publisher's read loop for the same reason.
extension ClientConnection {
    /// Output above which a subscriber makes its publishers wait (at most half of `max_pending`).
    static let laggingThreshold = 256 << 10

    /// Whether reading is paused, for either reason.
    var isReadingPaused: Bool { isPausedForJetStream || waitingForSubscriberUntil != 0 }

    private var waitLimit: UInt64 { UInt64(max(0, settings.config.laggingSubscriberWait)) }

    /// The output size that makes publishers wait, for this client's `max_pending`.
    var laggingLimit: Int { min(Self.laggingThreshold, settings.config.maxPending / 2) }

    /// Stops reading: this connection's share of the JetStream hand-off is full. Input already read
    /// stays in `input`, the rest in the kernel, where TCP flow control slows the publisher. Owner loop.
    func pauseReading() {
        isPausedForJetStream = true
    }

    /// The JetStream thread drained the share (its wake): handles what was read before the pause,
    /// then reads the socket again, which edge triggering would not report by itself. Owner loop.
    func resumeReading() {
        guard isPausedForJetStream, !isTornDown else { return }
        isPausedForJetStream = false
        readOn()
    }

    /// Called with `subscriber`'s outbound lock held, when a message from this client left it above
    /// `laggingLimit`: files this client as waiting there. Any loop. Inlined: while a subscriber lags
    /// this runs for every message to it.
    @inline(__always)
    func registerWaiting(on subscriber: ClientConnection) {
        if !subscriber.waitingPublishers.contains(where: { $0 === self }) {
            subscriber.waitingPublishers.append(self)
        }
    }

    /// Stops reading until a subscriber drains (see `registerWaiting`) or the wait limit passes,
    /// unless a wait just ran out. Owner loop, after the subscriber's lock is released.
    ///
    /// The spell without waits is judged by when the current read began (`lastActivity`), not by the
    /// clock: a publisher in its spell sends to a lagging subscriber with every message, and reading
    /// the clock for each cost more than the rest of the check. The spell can so last at most one read
    /// longer; the clock is read only when a wait starts.
    func waitForLaggingSubscriber() {
        guard waitingForSubscriberUntil == 0, !isTornDown else { return }
        guard lastActivity >= publishesFreelyUntil else { return }
        let now = Clock.monotonicNanoseconds()
        waitingForSubscriberUntil = now + waitLimit
        context.startWaiting(self)
    }

    /// Reads again after waiting for a subscriber; `timedOut` starts a spell without waits. Owner loop.
    func stopWaitingForSubscriber(timedOut: Bool) {
        guard waitingForSubscriberUntil != 0 else { return }
        waitingForSubscriberUntil = 0
        context.forgetWaiting(self)
        if timedOut { publishesFreelyUntil = Clock.monotonicNanoseconds() + waitLimit }
        guard !isTornDown else { return }
        readOn()
    }

    /// With the outbound lock held: the publishers to wake, taken from the list.
    func takeWaitingPublishers() -> [ClientConnection] {
        guard !waitingPublishers.isEmpty else { return [] }
        let waiting = waitingPublishers
        waitingPublishers.removeAll()
        return waiting
    }

    /// With the outbound lock held, after a write: the publishers to wake if the output fell to half
    /// the lagging limit (or the connection closed).
    @inline(__always)
    func publishersToWakeAfterWrite() -> [ClientConnection] {
        guard !waitingPublishers.isEmpty else { return [] }
        guard outboundClosed || outbound.readableCount <= laggingLimit / 2 else { return [] }
        return takeWaitingPublishers()
    }

    /// Takes the lock and wakes the waiting publishers if the output fell low enough. Any loop.
    func wakePublishersIfCaughtUp() {
        wake(outboundLock.withLock { publishersToWakeAfterWrite() })
    }

    /// Hands each publisher its wake on its own loop. Any loop, no lock held.
    func wake(_ publishers: [ClientConnection]) {
        for publisher in publishers {
            publisher.context.loop.execute { publisher.stopWaitingForSubscriber(timedOut: false) }
        }
    }

    /// Handles what was read before a pause, then reads the socket again, which edge triggering
    /// would not report by itself. Owner loop.
    private func readOn() {
        guard !isReadingPaused, !isTornDown else { return }
        if let pending = input.pending { process(pending) }
        if !isReadingPaused, let tls, tls.phase == .established { _ = drainPlaintext(tls) }
        context.flushMarked()
        if !isReadingPaused && !isTornDown { context.loop.scheduleRead(self) }
    }
}
