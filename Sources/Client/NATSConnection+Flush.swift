import Net
import Support
import Wire

/// Writing the outbound buffer: the flusher thread, `flush()` round trips and keep-alive PINGs.
extension NATSConnection {
    /// Writes buffered frames soon after they are made, and checks the connection is alive.
    func runFlusher() {
        var nextPing = Deadline.after(options.pingInterval)
        lock.lock()
        while status != .closed {
            if !flushRequested { flusherWake.wait(until: nextPing) }
            if status == .closed { break }
            if flushRequested {
                flushRequested = false
                lock.unlock()
                flushOutbound()
                lock.lock()
                continue
            }
            guard nextPing.hasPassed else { continue }
            nextPing = Deadline.after(options.pingInterval)
            guard status == .connected else { continue }
            if pongWaiters.count >= options.maxPingsOutstanding {
                options.logger?.warning("stale connection: PINGs unanswered", ["outstanding": pongWaiters.count])
                transport?.shutdown()
                continue
            }
            lock.unlock()
            try? sendPing(waiter: nil)
            lock.lock()
        }
        lock.unlock()
    }

    /// Asks the flusher to write soon (lock held).
    @inline(__always) func requestFlushLocked() {
        if !flushRequested {
            flushRequested = true
            flusherWake.signal()
        }
    }

    /// Writes everything buffered now, on the calling thread.
    func flushOutbound() {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        guard let transport, status == .connected || status == .draining, !outbound.isEmpty else {
            lock.unlock()
            return
        }
        swap(&outbound, &writing)
        lock.unlock()
        writeOut(to: transport)
    }

    /// Writes `writing` (writeLock held); a failed write shuts the connection so the reader reconnects.
    func writeOut(to transport: ClientTransport) {
        do {
            try transport.writeAll(writing.readableBytes)
        } catch {
            options.logger?.warning("write failed", ["error": error.description])
            transport.shutdown()
        }
        writing.clear()
        if writing.capacity > 1 << 20 { writing.shrink(to: 64 * 1024) }
    }

    /// Writes the buffered frames followed by a PING whose PONG finishes `waiter`.
    func sendPing(waiter: PongWaiter?) throws(ClientError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        guard let transport, status == .connected || status == .draining else {
            let closed = status == .closed
            lock.unlock()
            throw closed ? .closed : .disconnected
        }
        pongWaiters.append(waiter)
        swap(&outbound, &writing)
        lock.unlock()
        ClientOpEncoder.appendPing(to: writing)
        writeOut(to: transport)
    }

    /// A PING/PONG round trip: when it returns, the server has processed everything published before.
    /// While reconnecting it waits for the connection first. Throws `.timeout`, `.closed`,
    /// `.disconnected` (the connection broke during the round trip) or `.calledFromHandler`.
    public func flush(timeout: Duration = .seconds(10)) throws(ClientError) {
        try ensureNotReaderThread()
        let deadline = Deadline.after(timeout)
        try waitUntilConnected(deadline)
        let waiter = PongWaiter(condition: Condition(lock: lock))
        try sendPing(waiter: waiter)
        lock.lock()
        defer { lock.unlock() }
        while waiter.state == .waiting && waiter.condition.wait(until: deadline) {}
        switch waiter.state {
        case .answered: return
        case .failed: throw status == .closed ? .closed : .disconnected
        case .waiting: throw .timeout
        }
    }
}
