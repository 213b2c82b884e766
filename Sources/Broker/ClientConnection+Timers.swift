import Net
import Wire

/// Periodic checks run by the owning loop's tick: keep-alive PINGs, stale connections, write
/// deadlines, and giving back a large drained output buffer.
extension ClientConnection {
    func checkTimers(now: UInt64) {
        guard !isTornDown else { return }
        let config = settings.config
        if let tls, tls.phase != .established, let settings = config.tls,
            now - openedAt > UInt64(settings.handshakeTimeout)
        {
            tearDown(reason: "TLS handshake timeout")
            return
        }
        let authorization = authenticator.config
        if !hasConnected && authorization.isRequired && now - openedAt > UInt64(authorization.timeoutNanoseconds) {
            protocolError(.authenticationTimeout)
            return
        }
        // One lock for both: this runs for every connection twice a second.
        let stalled = outboundLock.withLock { () -> UInt64 in
            shrinkDrainedOutputLocked()
            return stalledSince
        }
        if stalled != 0 && now > stalled && now - stalled > UInt64(config.writeDeadline) {
            cutOffSlowConsumer(reason: "write deadline exceeded")
            return
        }
        let interval = UInt64(config.pingInterval)
        guard now - lastPingSent >= interval else { return }
        lastPingSent = now
        // Like nats-server: a client heard from within the interval needs no PING.
        if now - lastActivity < interval && pingsOutstanding == 0 { return }
        if pingsOutstanding + 1 > config.maxPingsOutstanding {
            send(.staleConnection)
            flushOutbound()
            tearDown(reason: "stale connection")
            return
        }
        pingsOutstanding += 1
        appendControl(ServerOpEncoder.ping)
    }
}
