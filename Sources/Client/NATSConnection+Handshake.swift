import Support
import Wire

/// Opening a connection to one server: TCP, INFO, CONNECT, PING/PONG, then installing it.
extension NATSConnection {
    /// Connects to `server` and makes it the connection's socket, restoring subscriptions and
    /// writing publishes buffered meanwhile. Runs on the reader thread (or in `connect` before it).
    func open(_ server: ServerAddress) throws(ClientError) {
        let socket = try ClientSocket.connect(
            host: server.host, port: server.port, timeout: options.connectTimeout,
            writeTimeout: options.writeTimeout)
        do throws(ClientError) {
            let info = try handshake(on: socket, server: server)
            guard install(socket, server: server, info: info) else { throw ClientError.closed }
        } catch {
            socket.close()
            throw error
        }
    }

    /// Reads INFO, sends CONNECT and PING, and waits for PONG (skipping `+OK`, answering PING).
    private func handshake(on socket: ClientSocket, server: ServerAddress) throws(ClientError) -> NATSServerInfo {
        inbound.clear()
        pendingMinimum = 0
        let deadline = Deadline.after(options.connectTimeout)
        var info: NATSServerInfo?
        while true {
            switch parser.parse(inbound.readableBytes) {
            case .failure(let error):
                throw .protocolError(error.text)
            case .needMore(let minimum):
                try fill(from: socket, atLeast: minimum, until: deadline, server: server)
            case .operation(let operation, let consumed):
                switch operation {
                case .info(let json):
                    guard let parsed = NATSServerInfo(json: json) else { throw .protocolError("INFO is not JSON") }
                    if info == nil {
                        if parsed.tlsRequired { throw .tlsNotSupported }
                        let greeting = WireBuffer(capacity: 512)
                        ClientOpEncoder.appendConnect(json: connectJSON(server: server), to: greeting)
                        ClientOpEncoder.appendPing(to: greeting)
                        try socket.writeAll(greeting.readableBytes)
                    }
                    info = parsed
                case .ok:
                    break
                case .ping:
                    let pong = WireBuffer(capacity: 16)
                    ClientOpEncoder.appendPong(to: pong)
                    try socket.writeAll(pong.readableBytes)
                case .pong:
                    guard let info else { throw .protocolError("PONG before INFO") }
                    inbound.consume(consumed)
                    return info
                case .error(let text):
                    throw .serverError(String(decoding: text, as: UTF8.self))
                case .message:
                    throw .protocolError("a message arrived before the handshake finished")
                }
                inbound.consume(consumed)
            }
        }
    }

    /// Reads more handshake bytes, waiting no later than `deadline`.
    private func fill(
        from socket: ClientSocket, atLeast minimum: Int, until deadline: Deadline,
        server: ServerAddress
    ) throws(ClientError) {
        inbound.reserveWritable(max(minimum - inbound.readableCount, 4096))
        guard try socket.waitReadable(until: deadline) else {
            throw .connectTimeout(host: server.host, port: server.port)
        }
        let count = try socket.read(into: inbound.writableBytes)
        if count == 0 { throw .disconnected }
        inbound.commitWritten(count)
    }

    /// The CONNECT options object; credentials in `options` win over those in the URL.
    func connectJSON(server: ServerAddress) -> String {
        var object = JSONObject()
        object.add("verbose", options.verbose)
        object.add("pedantic", options.pedantic)
        object.add("tls_required", false)
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

    /// Makes `socket` current: subscriptions are sent again (with the deliveries still due), then
    /// the publishes buffered while disconnected. False when the connection was closed meanwhile.
    func install(_ socket: ClientSocket, server: ServerAddress, info: NATSServerInfo) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        guard status != .closed else {
            lock.unlock()
            return false
        }
        if status == .reconnecting { counters.reconnects += 1 }
        self.socket = socket
        self.currentServer = server
        self.info = info
        status = .connected
        let restore = WireBuffer(capacity: 4096)
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
            try socket.writeAll(restore.readableBytes)
            try socket.writeAll(writing.readableBytes)
        } catch {
            socket.shutdown()
        }
        writing.clear()
        return true
    }
}
