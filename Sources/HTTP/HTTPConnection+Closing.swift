import Net
import Support

/// The outbound side and the end of a connection: writing queued answers once per batch, the
/// lingering close, timeouts, and releasing everything.
extension HTTPConnection {
    /// Writes queued answers, then a stream's buffered events; waits for writability when the
    /// socket is full. Once everything is out and the connection is done, starts the close.
    func flush() {
        guard !isTornDown else { return }
        var outcome = output.write(to: fd, idleCapacity: 16 * 1024)
        if case .drained(let wrote) = outcome, case .streaming(let stream) = phase {
            let streamOutcome = stream.writePending(to: fd)
            switch streamOutcome {
            case .drained(let more): outcome = .drained(wrote: wrote + more)
            case .blocked(let more): outcome = .blocked(wrote: wrote + more)
            case .failed: outcome = streamOutcome
            }
        }
        let now = Clock.monotonicNanoseconds()
        switch outcome {
        case .drained:
            stalledSince = 0
            unwrittenSince = 0
            setWritableInterest(false)
            if closeAfterFlush {
                beginLingering(now: now)
            } else if readingPaused {
                // Reading stopped while output was high; resume, starting with what is buffered.
                readingPaused = false
                context.loop.scheduleRead(self)
            }
        case .blocked(let wrote):
            if wrote > 0 || stalledSince == 0 { stalledSince = now }
            if unwrittenSince == 0 { unwrittenSince = now }
            setWritableInterest(true)
        case .failed(let reason):
            tearDown(reason: reason)
        }
    }

    private func setWritableInterest(_ enabled: Bool) {
        guard writableInterest != enabled else { return }
        writableInterest = enabled
        context.loop.setWritableInterest(fd, enabled)
    }

    /// Shuts the sending side after the last answer and drains the peer's input for a while: closing
    /// with unread input would reset the connection and could destroy the answer in flight.
    private func beginLingering(now: UInt64) {
        if case .streaming(let stream) = phase { stream.connectionClosed() }
        Socket.shutdownWrite(fd)
        if peerHasClosed || configuration.lingerTimeout == 0 {
            tearDown(reason: "closed after answer")
            return
        }
        phase = .lingering(until: now + UInt64(configuration.lingerTimeout))
        closeAfterFlush = false
        input.clear()
        // Input that arrived before the shutdown raised its edge already: look again now.
        context.loop.scheduleRead(self)
    }

    /// Called by the loop's tick: header and idle timeouts, stalled writes, linger end, heartbeats.
    func checkTimers(now: UInt64) {
        guard !isTornDown else { return }
        if stalledSince != 0 && now - stalledSince > UInt64(configuration.idleTimeout) {
            logger.warning("client does not read its answers, dropping", ["conn": id, "remote": remoteAddress])
            tearDown(reason: "write stalled")
            return
        }
        switch phase {
        case .lingering(let until):
            if now >= until { tearDown(reason: "closed after answer (linger ended)") }
        case .streaming(let stream):
            if now >= nextHeartbeat {
                nextHeartbeat = now + UInt64(configuration.eventStreamHeartbeatInterval)
                stream.sendComment("heartbeat")
            }
        case .reading:
            if unwrittenSince != 0 && now - unwrittenSince > UInt64(configuration.responseWriteTimeout) {
                logger.warning("client reads its answers too slowly, dropping", ["conn": id, "remote": remoteAddress])
                tearDown(reason: "response write timeout")
                return
            }
            guard !closeAfterFlush else { return }
            if headStartedAt != 0 {
                if now - headStartedAt > UInt64(configuration.headerReadTimeout) {
                    refuse(.timeout)
                    flush()
                }
                return
            }
            // A new connection gets the header timeout to start its first request.
            let limit = requestsAnswered == 0 ? configuration.headerReadTimeout : configuration.idleTimeout
            if output.isEmpty && now - lastActivity > UInt64(limit) { tearDown(reason: "idle timeout") }
        }
    }

    /// Writes what is queued (best effort) and closes: server shutdown.
    func closeForShutdown() {
        flush()
        tearDown(reason: "server shutdown")
    }

    /// Releases the socket and the registration and closes any event stream. Loop thread; idempotent.
    func tearDown(reason: String) {
        guard !isTornDown else { return }
        isTornDown = true
        context.loop.deregister(fd)
        Socket.close(fd)
        input.clear()
        output.clear()
        if case .streaming(let stream) = phase { stream.connectionClosed() }
        context.connections[id] = nil
        server.connectionCount.subtract(1, ordering: .relaxed)
        logger.debug(
            "connection closed", ["conn": id, "remote": remoteAddress, "requests": requestsAnswered, "reason": reason])
    }
}
