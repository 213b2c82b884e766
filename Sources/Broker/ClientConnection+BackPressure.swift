extension ClientConnection {
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
        if let pending = input.pending { process(pending) }
        if !isPausedForJetStream, let tls, tls.phase == .established { _ = drainPlaintext(tls) }
        context.flushMarked()
        if !isPausedForJetStream && !isTornDown { context.loop.scheduleRead(self) }
    }
}
