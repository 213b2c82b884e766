import Net
import Support
import Wire

/// One client's connection: it reads and parses the client's operations on its own loop, and
/// receives messages that any loop routes to its subscriptions.
///
/// Threading: everything except the outbound side belongs to the owning loop (`context.loop`).
/// The outbound buffer and the fields next to it (marked "outbound lock") are shared with every
/// loop that delivers to this client and change only under `outboundLock`; that is what makes the
/// `@unchecked Sendable` true.
public final class ClientConnection: EventHandler, @unchecked Sendable {
    public let id: UInt64
    let fd: Int32
    unowned let broker: Broker
    let context: LoopContext
    let remoteAddress: String
    /// The settings this connection was accepted under: its limits and TLS stay these for its life.
    let settings: BrokerSettings

    // MARK: owned by the loop
    var options = ConnectOptions()
    var hasConnected = false
    var subscriptions: [String: Subscription] = [:]
    /// A frame split across reads, kept until the rest arrives.
    var input = ClientInput()
    var parser: ClientOpParser
    var pingsOutstanding = 0
    var lastPingSent: UInt64
    var lastActivity: UInt64
    var isTornDown = false
    /// Reading stopped until the JetStream thread drains this connection's hand-off share.
    var isPausedForJetStream = false
    /// Reading stopped until a subscriber this client publishes to drains its output, or until this
    /// moment (monotonic ns) passes; 0 when not waiting. See ClientConnection+BackPressure.
    var waitingForSubscriberUntil: UInt64 = 0
    /// After a wait that ran out, this client publishes without waiting until this moment.
    var publishesFreelyUntil: UInt64 = 0
    /// What this connection has queued for the JetStream thread and not yet seen handled.
    let handOff = HandOffShare()
    /// The peer's hang-up was seen: keep reading to end of stream even after short reads.
    var peerHasClosed = false
    var closeReason = ""
    /// TLS state when the broker requires TLS; nil on plain connections.
    let tls: ClientTLS?
    /// When the connection was accepted (monotonic ns): authentication and handshake timeouts.
    let openedAt: UInt64
    /// Who the client turned out to be (after CONNECT) and what it may do.
    var identity = Identity.anonymous
    /// Decides `identity`; a reload replaces it and re-checks the connection with it.
    var authenticator: Authenticator
    /// Recent publish-permission answers by subject (only for restricted identities).
    var publishVerdicts: [String: Bool] = [:]
    /// Per loop: the flush generation in which this client was last marked (see LoopContext).
    let flushMarks: UnsafeMutablePointer<UInt64>

    // MARK: outbound lock
    let outboundLock = Lock()
    let outbound: ByteBuffer
    /// No more output is accepted; the socket is closing or closed.
    var outboundClosed = false
    /// Whether deliveries keep header blocks (CONNECT `headers`); copied here for other loops.
    var deliversHeaders = false
    var writableInterest = false
    /// Since when pending output has found the socket taking nothing (0: not stalled): set when a
    /// write finds the socket full, moved on by every write that makes progress. The write deadline
    /// counts from here, so a subscriber that keeps reading, however far behind, is not cut off by it
    /// (as nats-server's deadline applies to one write); `max_pending` bounds what it can hold.
    var stalledSince: UInt64 = 0
    /// Reply subjects this client may answer on (`allow_responses`); nil without that permission.
    var responseGrants: ResponseGrants?
    /// Publishers that stopped reading because this client's output lags; woken when it drains.
    var waitingPublishers: [ClientConnection] = []

    init(id: UInt64, fd: Int32, broker: Broker, context: LoopContext) {
        self.id = id
        self.fd = fd
        self.broker = broker
        self.context = context
        remoteAddress = Socket.peer(fd)?.description ?? "unknown"
        let settings = broker.settings
        self.settings = settings
        authenticator = settings.authenticator
        parser = ClientOpParser(maxControlLine: settings.config.maxControlLine, maxPayload: settings.config.maxPayload)
        outbound = ByteBuffer(capacity: 512)
        let now = Clock.monotonicNanoseconds()
        lastPingSent = now
        lastActivity = now
        openedAt = now
        // A session that cannot be made leaves `tls` nil with a context set: `start` then closes the connection.
        tls = settings.tlsContext.flatMap { try? $0.makeSession() }.map { ClientTLS(session: $0, startedAt: now) }
        flushMarks = UnsafeMutablePointer<UInt64>.allocate(capacity: broker.contexts.count)
        flushMarks.initialize(repeating: 0, count: broker.contexts.count)
    }

    deinit {
        flushMarks.deallocate()
    }

    var logger: Logger { broker.logger }

    /// Registers with the loop and greets the client with INFO. Loop thread.
    func open() {
        Socket.setNoDelay(fd)
        do {
            try context.loop.register(fd, handler: self)
        } catch {
            logger.error("cannot watch client socket", ["cid": id, "error": error])
            Socket.close(fd)
            broker.connectionCount.subtract(1, ordering: .relaxed)
            return
        }
        context.connections[id] = self
        if settings.tlsContext != nil && tls == nil {
            logger.error("cannot start a TLS session", ["cid": id])
            tearDown(reason: "TLS session could not be created")
            return
        }
        if settings.config.tls?.handshakeFirst != true {
            queueInfo()
            // Before any TLS handshake the greeting travels in plaintext.
            flushOutboundPlain()
        }
        logger.debug("client connected", ["cid": id, "addr": remoteAddress])
    }

    /// Queues the INFO greeting for this client.
    func queueInfo() {
        let clientIP = Socket.peer(fd)?.host ?? ""
        outboundLock.withLock {
            ServerOpEncoder.appendInfo(to: outbound, json: settings.info.json(clientID: id, clientIP: clientIP))
        }
    }

    // MARK: reading

    /// Reads what the socket has (up to a fair share), parses and handles each whole operation.
    public func handleReadable(peerClosed: Bool) {
        if peerClosed { peerHasClosed = true }
        if isReadingPaused { return }  // the wake reads on
        if let tls {
            handleReadableTLS(tls)
            return
        }
        let end = context.loop.readFairly(
            fd, for: self, budget: 8, peerHasClosed: peerHasClosed,
            into: { isTornDown || isReadingPaused ? nil : input.bufferForReading(shared: context.readBuffer) },
            received: { buffer, count in
                input.readSucceeded(into: buffer)
                lastActivity = Clock.monotonicNanoseconds()
                context.counters.bump(context.counters.bytesIn, by: count)
                process(buffer)
                context.flushMarked()
                return !isReadingPaused
            })
        readEnded(end)
    }

    /// Closes the connection when a read turn ended with the peer gone or the socket failed.
    func readEnded(_ end: FairReadEnd) {
        switch end {
        case .drained, .stopped, .yielded: return
        case .endOfStream: tearDown(reason: "client closed connection")
        case .failed(let error): tearDown(reason: "read error: \(error)")
        }
    }

    public func handleWritable() {
        flushOutbound()
    }

    /// Parses and handles whole operations from the front of `buffer`; keeps a split frame.
    func process(_ buffer: ByteBuffer) {
        guard input.isWorthParsing(buffer) else { return }
        while !isTornDown && !buffer.isEmpty {
            if isReadingPaused {
                input.keepRest(of: buffer, needed: 0)
                return
            }
            switch parser.parse(buffer.readableBytes) {
            case .operation(let operation, let consumed):
                handle(operation)
                buffer.consume(consumed)
            case .needMore(let minimumTotal):
                input.keepRest(of: buffer, needed: minimumTotal)
                return
            case .failure(let error):
                protocolError(error, near: buffer.readableBytes)
                return
            }
        }
        input.parsedAll(of: buffer)
    }

    // MARK: closing

    /// Sends `-ERR` for errors that say so, then closes when the error is fatal. `input` (the
    /// unparsed bytes) is quoted in the log, as nats-server does, so the cause can be found.
    func protocolError(_ error: WireError, near input: UnsafeRawBufferPointer? = nil) {
        if error.sendsError { send(error) }
        if error.closesConnection {
            flushOutbound()
            var reason = "protocol error: \(error.text)\(detail(error))"
            if let input { reason += " near \(Self.quoted(input.prefix(48)))" }
            tearDown(reason: reason)
        }
    }

    /// Printable bytes as they are, others as `\xNN`, for logs.
    static func quoted(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x20..<0x7F where byte != 0x22 && byte != 0x5C: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + "\""
    }

    private func detail(_ error: WireError) -> String {
        if case .malformedArguments(let what) = error { return " (\(what))" }
        return ""
    }

    /// Queues a `-ERR` line for this client.
    func send(_ error: WireError) {
        appendOutbound { ServerOpEncoder.appendError(to: $0, error) }
    }

    /// Closes from any thread: stops output now and finishes on the owning loop.
    func closeFromAnyThread(reason: String) {
        outboundLock.withLock {
            outboundClosed = true
            outbound.clear()
        }
        if context.loop.isCurrent {
            tearDown(reason: reason)
        } else {
            context.loop.execute { [self] in tearDown(reason: reason) }
        }
    }

    /// Flushes what is pending (best effort) and closes. Used by lame-duck shutdown.
    func closeForShutdown() {
        flushOutbound()
        tearDown(reason: "server shutdown")
    }

    /// Releases everything: socket, subscriptions, registration. Loop thread; idempotent.
    func tearDown(reason: String) {
        guard !isTornDown else { return }
        isTornDown = true
        context.loop.deregister(fd)
        let waiting = outboundLock.withLock {
            outboundClosed = true
            outbound.clear()
            Socket.close(fd)
            return takeWaitingPublishers()
        }
        wake(waiting)
        if waitingForSubscriberUntil != 0 { context.forgetWaiting(self) }
        for subscription in subscriptions.values {
            outboundLock.withLock { subscription.isRemoved = true }
            broker.subjectIndex.remove(subscription)
        }
        subscriptions.removeAll()
        input.release()
        context.connections[id] = nil
        broker.connectionCount.subtract(1, ordering: .relaxed)
        logger.debug("client closed", ["cid": id, "addr": remoteAddress, "reason": reason])
    }
}
