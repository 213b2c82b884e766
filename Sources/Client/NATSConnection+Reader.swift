import Net
import Wire

/// The reader thread: reads and dispatches server operations, and reconnects when the socket breaks.
extension NATSConnection {
    func runReader() {
        while true {
            let reason = readUntilBroken()
            guard handleConnectionLoss(reason) else { break }
            guard reconnect() else { break }
            options.logger?.info("reconnected", ["server": connectedServer?.description ?? "?"])
            options.onReconnected?()
        }
        finishReader()
    }

    /// Reads and dispatches until the socket fails or ends; returns why.
    private func readUntilBroken() -> ClientError {
        guard let transport = lock.withLock({ self.transport }) else { return .closed }
        while true {
            inbound.reserveWritable(max(pendingMinimum - inbound.readableCount, 64 * 1024))
            let count: Int
            do {
                count = try transport.read(into: inbound.writableBytes)
            } catch {
                return error
            }
            if count == 0 { return .disconnected }
            inbound.commitWritten(count)
            if inbound.readableCount < pendingMinimum { continue }
            do {
                try processInbound()
            } catch {
                return error
            }
            flushAfterTurn()
        }
    }

    /// Handles every whole op in `inbound`, then consumes them; a partial op stays at the front.
    private func processInbound() throws(ClientError) {
        let bytes = inbound.readableBytes
        var offset = 0
        pendingMinimum = 0
        parsing: while offset < bytes.count {
            switch parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .operation(let operation, let consumed):
                offset += consumed
                handle(operation)
            case .needMore(let minimum):
                pendingMinimum = minimum
                break parsing
            case .failure(let error):
                throw .protocolError(error.text)
            }
        }
        inbound.consume(offset)
    }

    private func handle(_ operation: ServerOp) {
        switch operation {
        case .message(let frame):
            deliver(frame)
        case .ping:
            lock.withLock { ClientOpEncoder.appendPong(to: outbound) }
        case .pong:
            lock.withLock {
                if !pongWaiters.isEmpty { pongWaiters.removeFirst()?.finish(.answered) }
            }
        case .info(let json):
            if let parsed = NATSServerInfo(json: json) { lock.withLock { info = parsed } }
        case .ok:
            break
        case .error(let text):
            let error = ClientError.serverError(String(decoding: text, as: UTF8.self))
            options.logger?.warning("server error", ["error": error.description])
            options.onServerError?(error)
        }
    }

    /// Hands one MSG/HMSG to its subscription.
    private func deliver(_ frame: MessageFrame) {
        inMessages.store(inMessages.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        inBytes.store(inBytes.load(ordering: .relaxed) &+ frame.payload.count, ordering: .relaxed)
        guard let sid = Decimal.parse(frame.sid) else { return }
        guard let subscription = subscription(for: sid) else { return }
        let count = subscription.delivered.load(ordering: .relaxed) &+ 1
        subscription.delivered.store(count, ordering: .relaxed)
        let maximum = subscription.maximum.load(ordering: .relaxed)
        if maximum > 0 && count > maximum { return }
        switch subscription.delivery {
        case .view(let handler):
            handler(MessageView(frame))
        case .handler(let handler):
            handler(MessageView(frame).makeMessage())
        case .queue(let queue):
            if !queue.push(MessageView(frame).makeMessage()) && queue.dropped == 1 {
                options.logger?.warning("slow consumer: dropping messages", ["subject": subscription.subject])
            }
        case .inbox:
            completeRequest(frame)
        }
        if maximum > 0 && count >= maximum {
            // The server removed its side when it delivered the last one.
            removeSubscription(subscription, sendUnsubscribe: false)
        }
    }

    /// The subscription with `sid`, from the one-entry cache when the table has not changed.
    @inline(__always) private func subscription(for sid: Int) -> ClientSubscription? {
        if sid == cachedSid && subscriptionsVersion.load(ordering: .acquiring) == cachedVersion {
            return cachedSubscription
        }
        lock.lock()
        let found = subscriptions[sid]
        cachedVersion = subscriptionsVersion.load(ordering: .relaxed)
        lock.unlock()
        cachedSid = sid
        cachedSubscription = found
        return found
    }

    /// Writes what handlers published and PONGs queued during this read, once per read.
    private func flushAfterTurn() {
        let pending = lock.withLock { !outbound.isEmpty }
        if pending { flushOutbound() }
    }

    /// Drops the broken socket and decides whether to reconnect (false: the connection closes).
    private func handleConnectionLoss(_ reason: ClientError) -> Bool {
        let closing = lock.withLock {
            if status != .closed { transport?.shutdown() }
            return status == .closed
        }
        if closing { return false }
        writeLock.lock()
        lock.lock()
        transport?.close()
        transport = nil
        writing.clear()
        let waiters = pongWaiters
        pongWaiters = []
        for waiter in waiters { waiter?.finish(.failed) }
        let reconnecting = options.allowReconnect && status == .connected
        status = reconnecting ? .reconnecting : .closed
        statusChanged.broadcast()
        lock.unlock()
        writeLock.unlock()
        inbound.clear()
        pendingMinimum = 0
        options.logger?.warning(
            "disconnected",
            ["server": connectedServer?.description ?? "?", "reason": reason.description])
        options.onDisconnected?(reason)
        return reconnecting
    }

    /// Tries the servers in turn, pausing between attempts, until one answers, the attempts run out,
    /// or `close()` is called.
    private func reconnect() -> Bool {
        let start = servers.firstIndex(of: connectedServer ?? servers[0]) ?? 0
        var attempt = 0
        while options.maxReconnectAttempts < 0 || attempt < options.maxReconnectAttempts {
            let jitter = Int64.random(in: 0...max(0, options.reconnectJitter.nanoseconds))
            let pause = (attempt == 0 ? 0 : options.reconnectWait.nanoseconds) + jitter
            guard sleepUnlessClosed(Deadline.after(.nanoseconds(pause))) else { return false }
            let server = servers[(start + attempt) % servers.count]
            attempt += 1
            do {
                try open(server)
                return true
            } catch {
                if case .closed = error { return false }
                options.logger?.debug(
                    "reconnect attempt failed",
                    ["server": server.description, "attempt": attempt, "error": error.description])
            }
        }
        lock.withLock {
            if status != .closed {
                status = .closed
                statusChanged.broadcast()
            }
        }
        options.logger?.error("giving up reconnecting", ["attempts": attempt])
        return false
    }

    /// Sleeps until `deadline`; false as soon as the connection is closed.
    private func sleepUnlessClosed(_ deadline: Deadline) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while status != .closed && !deadline.hasPassed { statusChanged.wait(until: deadline) }
        return status != .closed
    }

    /// The reader is done: the connection is closed for good.
    private func finishReader() {
        writeLock.lock()
        lock.lock()
        status = .closed
        transport?.close()
        transport = nil
        failWaitersLocked(with: .closed)
        let ended = Array(subscriptions.values)
        subscriptions = [:]
        flusherWake.signal()
        statusChanged.broadcast()
        lock.unlock()
        writeLock.unlock()
        for subscription in ended { subscription.finish() }
        options.onClosed?()
    }
}
