import Net
import Support
import Wire

/// Opening a connection to one server: TCP, INFO, TLS when wanted, CONNECT, PING/PONG, then installing it.
extension NATSConnection {
    /// Connects to `server` and makes it the connection's transport, restoring subscriptions and
    /// writing publishes buffered meanwhile. Runs on the reader thread (or in `connect` before it).
    func open(_ server: ServerAddress) throws(ClientError) {
        let socket: BlockingSocket
        do throws(BlockingSocketError) {
            socket = try BlockingSocket.connect(
                host: server.host, port: server.port, timeout: options.connectTimeout,
                writeTimeout: options.writeTimeout)
        } catch {
            throw ClientError(error)
        }
        do throws(ClientError) {
            let (transport, info) = try handshake(on: socket, server: server)
            keepTLSSession(of: transport, server: server)
            socket.setReadDeadline(nil)  // From here the reader thread waits as long as the server is quiet.
            guard install(transport, server: server, info: info) else { throw ClientError.closed }
        } catch {
            socket.close()
            throw error == .timeout ? .connectTimeout(host: server.host, port: server.port) : error
        }
    }

    /// Reads INFO, upgrades to TLS when wanted (or starts with TLS, before INFO), sends CONNECT and
    /// PING, and waits for PONG (skipping `+OK`, answering PING). Returns the transport to use.
    private func handshake(
        on socket: BlockingSocket, server: ServerAddress
    ) throws(ClientError) -> (ClientTransport, NATSServerInfo) {
        inbound.clear()
        pendingMinimum = 0
        let deadline = Deadline.after(options.connectTimeout)
        var transport = ClientTransport(socket: socket)
        if startsWithTLS(server) {
            transport = try upgrade(socket, server: server, alreadyReceived: [], deadline: deadline)
        }
        var info: NATSServerInfo?
        while true {
            switch parser.parse(inbound.readableBytes) {
            case .failure(let error):
                throw .protocolError(error.text)
            case .needMore(let minimum):
                try fill(from: transport, atLeast: minimum, until: deadline, server: server, awaitingInfo: info == nil)
            case .operation(let operation, let consumed):
                switch operation {
                case .info(let json):
                    guard let parsed = NATSServerInfo(json: json) else { throw .protocolError("INFO is not JSON") }
                    inbound.consume(consumed)
                    if info == nil {
                        if !transport.isSecure, try shouldUpgrade(after: parsed, server: server) {
                            let pastInfo = Array(inbound.readableBytes)
                            inbound.clear()
                            transport = try upgrade(
                                socket, server: server, alreadyReceived: pastInfo, deadline: deadline)
                        }
                        try greet(over: transport, server: server)
                    }
                    info = parsed
                    continue
                case .ok:
                    break
                case .ping:
                    let pong = ByteBuffer(capacity: 16)
                    ClientOpEncoder.appendPong(to: pong)
                    try send(pong, over: transport, server: server)
                case .pong:
                    guard let info else { throw .protocolError("PONG before INFO") }
                    inbound.consume(consumed)
                    return (transport, info)
                case .error(let text):
                    throw .serverError(String(decoding: text, as: UTF8.self))
                case .message:
                    throw .protocolError("a message arrived before the handshake finished")
                }
                inbound.consume(consumed)
            }
        }
    }

    /// Sends CONNECT and PING.
    private func greet(over transport: ClientTransport, server: ServerAddress) throws(ClientError) {
        let greeting = ByteBuffer(capacity: 512)
        ClientOpEncoder.appendConnect(json: connectJSON(server: server, secure: transport.isSecure), to: greeting)
        ClientOpEncoder.appendPing(to: greeting)
        try send(greeting, over: transport, server: server)
    }

    /// Writes `frames` during the handshake. Over TLS a failed write may hide the real reason: a TLS 1.3
    /// server that refuses our certificate sends its alert after our handshake finished and hangs up,
    /// so our next write meets a reset while the alert waits unread. Then the alert is reported.
    private func send(
        _ frames: ByteBuffer, over transport: ClientTransport, server: ServerAddress
    ) throws(ClientError) {
        let explanation = tlsFailureExplanation(server)
        do {
            try transport.writeAll(frames.readableBytes, connecting: explanation)
        } catch {
            guard transport.isSecure, case .socket = error else { throw error }
            transport.socket.setReadDeadline(.after(.milliseconds(100)))
            inbound.reserveWritable(4096)
            do {
                _ = try transport.read(into: inbound.writableBytes, connecting: explanation)
            } catch let refusal {
                if case .tlsHandshakeFailed = refusal { throw refusal }
            }
            throw error
        }
    }

    /// Reads more handshake bytes, waiting no later than `deadline`.
    private func fill(
        from transport: ClientTransport, atLeast minimum: Int, until deadline: Deadline,
        server: ServerAddress, awaitingInfo: Bool
    ) throws(ClientError) {
        inbound.reserveWritable(max(minimum - inbound.readableCount, 4096))
        // A server expecting TLS first says nothing, then hangs up: say so when we wanted TLS.
        let silence: ClientError? =
            awaitingInfo && !transport.isSecure && wantsTLS(server)
            ? .tlsHandshakeFailed(
                "the server sent no INFO; if it expects the TLS handshake first (handshake_first), use --tlsfirst")
            : nil
        guard !deadline.hasPassed else { throw silence ?? .timeout }
        transport.socket.setReadDeadline(deadline)
        let count: Int
        do {
            let explanation = transport.isSecure ? tlsFailureExplanation(server) : nil
            count = try transport.read(into: inbound.writableBytes, connecting: explanation)
        } catch {
            throw error == .timeout ? silence ?? .timeout : error
        }
        if count == 0 {
            if let silence { throw silence }
            guard transport.isSecure else { throw .disconnected }
            throw .tlsHandshakeFailed(
                "the server closed the connection after the TLS handshake without a reason; "
                    + "it may have refused our certificate (see its log)")
        }
        inbound.commitWritten(count)
    }

    /// The CONNECT options object; credentials in `options` win over those in the URL.
    func connectJSON(server: ServerAddress, secure: Bool) -> String {
        var object = JSONObject()
        object.add("verbose", options.verbose)
        object.add("pedantic", options.pedantic)
        object.add("tls_required", secure)
        if let name = options.name { object.add("name", name) }
        object.add("lang", "swift")
        object.add("version", Version.current)
        object.add("protocol", 1)
        object.add("echo", options.echo)
        object.add("headers", options.headers)
        object.add("no_responders", options.headers && options.noResponders)
        if let user = options.user ?? server.user { object.add("user", user) }
        if let password = options.password ?? server.password { object.add("pass", password) }
        if let token = options.token ?? server.token { object.add("auth_token", token) }
        return object.text
    }

    /// Makes `transport` current: subscriptions are sent again (with the deliveries still due), then
    /// the publishes buffered while disconnected. False when the connection was closed meanwhile.
    func install(_ transport: ClientTransport, server: ServerAddress, info: NATSServerInfo) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        guard status != .closed else {
            lock.unlock()
            return false
        }
        if status == .reconnecting { counters.reconnects += 1 }
        self.transport = transport
        self.currentServer = server
        self.info = info
        status = .connected
        let restore = ByteBuffer(capacity: 4096)
        for (sid, subscription) in subscriptions.sorted(by: { $0.key < $1.key }) {
            ClientOpEncoder.appendSubscribe(
                subject: subscription.subject, queue: subscription.queueGroup, sid: sid,
                to: restore)
            let maximum = subscription.maximum.load(ordering: .relaxed)
            if maximum > 0 {
                let remaining = max(1, maximum - subscription.delivered.load(ordering: .relaxed))
                ClientOpEncoder.appendUnsubscribe(sid: sid, max: remaining, to: restore)
            }
        }
        swap(&outbound, &writing)
        statusChanged.broadcast()
        lock.unlock()
        do {
            try transport.writeAll(restore.readableBytes)
            try transport.writeAll(writing.readableBytes)
        } catch {
            transport.shutdown()
        }
        writing.clear()
        return true
    }
}
