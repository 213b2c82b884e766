import Net
import Support
import TLS
import Synchronization
import Wire

/// The NATS-compatible broker: listens for clients, spreads their connections over one event
/// loop per core, and routes messages between them through one shared subject index.
///
/// `@unchecked Sendable`: loops are immutable after `start`; the mutable parts are atomics, or
/// confined to loop threads, or under a lock (`lifecycle`, `current`).
public final class Broker: @unchecked Sendable {
    let logger: Logger
    let subjectIndex = SubjectIndex()
    let serverID = ServerInfo.randomServerID()
    /// Every loop's context: the client loops first, then JetStream's own when enabled.
    private(set) var contexts: [LoopContext] = []
    /// The loops that serve client connections.
    private(set) var clientContexts: [LoopContext] = []
    private(set) var jetStream: JetStream?
    /// The settings in force for new connections; a reload swaps in new ones (`Broker+Reload`).
    let current: Mutex<BrokerSettings>
    private var listener: Listener?
    private let nextClientID = Atomic<UInt64>(1)
    private let nextLoop = Atomic<Int>(0)
    let connectionCount = Atomic<Int>(0)
    let slowConsumerCount = Atomic<Int>(0)
    private let lifecycle = Mutex<LifecycleState>(.created)
    /// Signalled once `shutdown` has finished; `isStopped` is read and written under its lock.
    private let stoppedCondition = Condition(lock: Lock())
    private var isStopped = false
    private(set) var boundPort = 0
    /// The monitoring port's server, when `monitorPort` is set.
    private var monitor: BrokerMonitor?

    enum LifecycleState { case created, running, stopping, stopped }

    public init(config: BrokerConfig, logger: Logger = Logger(component: "broker")) {
        self.logger = logger
        current = Mutex(BrokerSettings(config: config, serverID: serverID, port: config.port, tlsContext: nil))
    }

    /// The settings in force for new connections (each connection keeps those it was accepted under).
    var settings: BrokerSettings { current.withLock { $0 } }
    /// The configuration in force: the one given at start, or the last one a reload applied.
    public var config: BrokerConfig { settings.config }
    /// The INFO greeting new connections get.
    var info: ServerInfo { settings.info }

    /// The port the broker listens on (useful with port 0).
    public var port: Int { boundPort }

    /// The monitoring port listened on (useful with 0); 0 when there is none.
    public var monitorPort: Int { monitor?.port ?? 0 }

    /// Binds the listener and starts the loops; returns once clients can connect.
    public func start() throws {
        let config = self.config
        try config.validate()
        let tlsContext = try BrokerSettings.makeTLSContext(config.tls)
        let tick = UInt64(min(1_000_000_000, max(10_000_000, config.pingInterval / 4)))
        var loops: [EventLoop] = []
        for index in 0..<config.eventLoops {
            loops.append(try EventLoop(index: index, tickInterval: tick))
        }
        contexts = loops.map { LoopContext(loop: $0, index: subjectIndex, readBufferSize: 128 * 1024) }
        clientContexts = contexts
        if config.jetStream {
            let loop = try EventLoop(index: config.eventLoops, tickInterval: 1_000_000_000)
            let context = LoopContext(loop: loop, index: subjectIndex, readBufferSize: 1024)
            contexts.append(context)
            let directory = try JetStreamDirectory(root: config.resolvedStoreDirectory)
            jetStream = JetStream(
                broker: self, context: context, directory: directory,
                logger: Logger(component: "jetstream", sink: logger.sink))
        }
        let (fd, port) = try Socket.listen(host: config.host, port: config.port)
        boundPort = port
        let settings = BrokerSettings(config: config, serverID: serverID, port: port, tlsContext: tlsContext)
        current.withLock { $0 = settings }
        let listener = Listener(fd: fd, loop: contexts[0].loop, logger: logger) { [unowned self] in adopt(fd: $0) }
        self.listener = listener
        for context in clientContexts {
            context.loop.onTick = { [unowned self, context] in self.tick(context) }
            context.loop.nextTimerDeadline = { [context] in context.nextWaitLimit() }
            context.loop.start(name: "loop-\(context.index)")
        }
        if let jetStream {
            try startJetStream(jetStream)
        }
        contexts[0].loop.runAndWait { [logger] in
            do {
                try listener.register()
            } catch {
                logger.error("cannot watch the listening socket", ["error": error])
            }
        }
        lifecycle.withLock { $0 = .running }
        try startMonitor()
        logger.info(
            "broker listening",
            [
                "addr": "\(config.host):\(port)", "server_id": serverID, "version": Version.current,
                "loops": config.eventLoops, "max_payload": config.maxPayload,
            ])
    }

    /// Hands a freshly accepted socket to the next loop, round-robin.
    func adopt(fd: Int32) {
        let config = self.config
        let count = connectionCount.add(1, ordering: .relaxed).newValue
        let clientID = nextClientID.add(1, ordering: .relaxed).oldValue
        if count > config.maxConnections {
            connectionCount.subtract(1, ordering: .relaxed)
            refuseConnection(fd: fd, clientID: clientID)
            return
        }
        let context = clientContexts[nextLoop.add(1, ordering: .relaxed).oldValue % clientContexts.count]
        let start: @Sendable () -> Void = { [self] in
            let client = ClientConnection(id: clientID, fd: fd, broker: self, context: context)
            client.open()
        }
        if context.loop.isCurrent { start() } else { context.loop.execute(start) }
    }

    /// nats-server sends INFO then `-ERR 'maximum connections exceeded'` and closes.
    private func refuseConnection(fd: Int32, clientID: UInt64) {
        let settings = self.settings
        let buffer = ByteBuffer(capacity: 1024)
        ServerOpEncoder.appendInfo(
            to: buffer, json: settings.info.json(clientID: clientID, clientIP: Socket.peer(fd)?.host ?? ""))
        ServerOpEncoder.appendError(to: buffer, .maximumConnectionsExceeded)
        _ = Socket.write(fd, buffer.readableBytes)
        Socket.close(fd)
        logger.warning(
            "connection refused: maximum connections exceeded", ["max_connections": settings.config.maxConnections])
    }

    /// Starts the JetStream loop and waits until its streams are loaded.
    private func startJetStream(_ jetStream: JetStream) throws {
        jetStream.loop.start(name: "jetstream")
        try jetStream.loop.runAndWait { () throws(SupportError) in
            do {
                try jetStream.start()
            } catch {
                throw SupportError("JetStream failed to start: \(error)")
            }
        }
        logger.info("JetStream enabled", ["store_dir": config.resolvedStoreDirectory])
    }

    /// Opens the monitoring port when configured; a port that cannot be bound stops the broker.
    private func startMonitor() throws {
        guard let port = config.monitorPort else { return }
        let monitor = BrokerMonitor(broker: self, host: config.monitorHost, port: port, logger: logger)
        do {
            try monitor.start()
        } catch {
            shutdown()
            throw error
        }
        self.monitor = monitor
        logger.info("monitoring listening", ["addr": "\(config.monitorHost):\(monitor.port)"])
    }

    /// Runs on each tick of a client loop, and earlier when a publisher's wait for a lagging
    /// subscriber runs out; the connections' own timers are checked at the tick's pace only.
    private func tick(_ context: LoopContext) {
        let now = Clock.monotonicNanoseconds()
        context.endExpiredWaits(now: now)
        guard now - context.lastConnectionCheck >= context.loop.tickInterval / 2 else { return }
        context.lastConnectionCheck = now
        for client in Array(context.connections.values) { client.checkTimers(now: now) }
        context.flushMarked()
        if context.index == 0 { listener?.resume() }
    }

    /// Lame-duck shutdown: stop accepting, flush what each client has pending, close, stop loops.
    public func shutdown() {
        let proceed = lifecycle.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .stopping
            return true
        }
        guard proceed else { return }
        // First, while the loops still answer its snapshot requests.
        monitor?.shutdown()
        logger.info("broker shutting down", ["connections": connectionCount.load(ordering: .relaxed)])
        let remaining = Atomic<Int>(clientContexts.count)
        for context in clientContexts {
            context.loop.execute { [self] in
                if context.index == 0 { listener?.close() }
                for client in Array(context.connections.values) { client.closeForShutdown() }
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                    for other in clientContexts { other.loop.stop() }
                }
            }
        }
        for context in clientContexts { context.loop.join() }
        if let jetStream {
            jetStream.loop.execute { jetStream.stop() }
            jetStream.loop.stop()
            jetStream.loop.join()
        }
        lifecycle.withLock { $0 = .stopped }
        stoppedCondition.lock.withLock {
            isStopped = true
            stoppedCondition.broadcast()
        }
        logger.info("broker stopped")
    }

    /// Blocks until `shutdown` has finished.
    public func waitUntilStopped() {
        stoppedCondition.lock.withLock {
            while !isStopped { stoppedCondition.wait(untilMonotonicNanoseconds: .max) }
        }
    }

    /// Client connections accepted since start, refused ones included (each got a client id).
    var acceptedConnections: Int { Int(nextClientID.load(ordering: .relaxed)) - 1 }

    /// Totals over every loop.
    public var statistics: BrokerStatistics {
        var totals = BrokerStatistics()
        for context in contexts {
            totals.messagesIn += context.counters.messagesIn.load(ordering: .relaxed)
            totals.bytesIn += context.counters.bytesIn.load(ordering: .relaxed)
            totals.messagesOut += context.counters.messagesOut.load(ordering: .relaxed)
            totals.bytesOut += context.counters.bytesOut.load(ordering: .relaxed)
        }
        totals.slowConsumers = slowConsumerCount.load(ordering: .relaxed)
        totals.connections = connectionCount.load(ordering: .relaxed)
        totals.subscriptions = subjectIndex.count
        return totals
    }
}

/// Counters summed over the broker's loops.
public struct BrokerStatistics: Sendable, Equatable {
    public var connections = 0
    public var subscriptions = 0
    public var messagesIn = 0
    public var bytesIn = 0
    public var messagesOut = 0
    public var bytesOut = 0
    public var slowConsumers = 0
}
