import Net
import Support
import Synchronization

/// Answers one request. Runs on the connection's event loop thread, so it must be quick: read
/// in-memory state or a local database, never wait on the network. A slow handler delays every
/// connection of its loop (raise `eventLoops` to spread them).
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// A small read-only HTTP/1.1 server on the project's own event loops: keep-alive, pipelining,
/// Server-Sent Events, strict limits and timeouts. GET and HEAD only; everything else is 405.
/// Call `shutdown` before letting go of a started server: its loops refer to it unowned.
///
/// `@unchecked Sendable`: configuration and loops are fixed after `start`; the rest is atomics,
/// loop-confined, or under `lifecycle`.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    let handler: HTTPHandler
    let logger: Logger
    private var contexts: [HTTPLoopContext] = []
    private var listener: Listener?
    let connectionCount = Atomic<Int>(0)
    private let nextConnectionID = Atomic<UInt64>(1)
    private let nextLoop = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let lifecycle = Mutex<LifecycleState>(.created)
    private var boundPort = 0

    private enum LifecycleState { case created, running, stopped }

    public init(
        configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
        logger: Logger = Logger(component: "http")
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    /// The port listened on (the chosen one when configured with 0); valid after `start`.
    public var port: Int { boundPort }

    /// Open connections right now.
    public var connections: Int { connectionCount.load(ordering: .relaxed) }

    /// True once `shutdown` began: answers then close their connections.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Binds the socket and starts the loops; returns once clients can connect.
    public func start() throws {
        try configuration.validate()
        try lifecycle.withLock { state throws(SupportError) in
            guard state == .created else { throw SupportError("http: server already started") }
            state = .running
        }
        do {
            try startLoopsAndListen()
        } catch {
            for context in contexts {
                context.loop.stop()
                context.loop.join()
            }
            contexts.removeAll()
            lifecycle.withLock { $0 = .stopped }
            throw error
        }
        logger.info(
            "http listening", ["addr": "\(configuration.host):\(boundPort)", "loops": configuration.eventLoops])
    }

    private func startLoopsAndListen() throws(SystemError) {
        let shortest = min(
            configuration.headerReadTimeout, configuration.idleTimeout, configuration.eventStreamHeartbeatInterval,
            configuration.responseWriteTimeout)
        let tickInterval = UInt64(min(1_000_000_000, max(5_000_000, shortest / 4)))
        for index in 0..<configuration.eventLoops {
            contexts.append(HTTPLoopContext(loop: try EventLoop(index: index, tickInterval: tickInterval)))
        }
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        boundPort = port
        let first = contexts[0]
        let listener = Listener(fd: fd, loop: first.loop, logger: logger) { [unowned self] in adopt(fd: $0) }
        self.listener = listener
        for context in contexts {
            context.loop.onTick = { [unowned self, context] in tick(context) }
            context.loop.start(name: "http-\(context.index)")
        }
        do {
            try first.loop.runAndWait { () throws(SystemError) in try listener.register() }
        } catch {
            Socket.close(fd)
            throw error
        }
    }

    /// Hands a freshly accepted socket to the next loop, round-robin, or refuses it when full.
    private func adopt(fd: Int32) {
        if connectionCount.add(1, ordering: .relaxed).newValue > configuration.maxConnections {
            connectionCount.subtract(1, ordering: .relaxed)
            refuse(fd: fd)
            return
        }
        let id = nextConnectionID.add(1, ordering: .relaxed).oldValue
        let context = contexts[nextLoop.add(1, ordering: .relaxed).oldValue % contexts.count]
        let open: @Sendable () -> Void = { [self] in
            HTTPConnection(id: id, fd: fd, server: self, context: context).open()
        }
        if context.loop.isCurrent { open() } else { context.loop.execute(open) }
    }

    /// Over `maxConnections`: a best-effort 503 and close, without taking a slot. Input the client
    /// already sent may turn the close into a reset that hides the 503; the socket closes either way.
    private func refuse(fd: Int32) {
        let buffer = ByteBuffer(capacity: 512)
        HTTPResponseEncoder.appendResponse(
            status: .serviceUnavailable, headers: ["Content-Type": "application/json"],
            body: Array("{\"error\":\"too many connections\"}".utf8), omitBody: false, persistence: .close,
            date: contexts[0].date(), serverName: configuration.serverName, to: buffer)
        _ = buffer.write(to: fd, idleCapacity: 16 * 1024)
        Socket.close(fd)
        logger.warning("connection refused: too many connections", ["max_connections": configuration.maxConnections])
    }

    private func tick(_ context: HTTPLoopContext) {
        let now = Clock.monotonicNanoseconds()
        for connection in Array(context.connections.values) { connection.checkTimers(now: now) }
        if context.index == 0 { listener?.resume() }
    }

    /// Stops accepting, writes what each connection has queued (best effort), closes every
    /// connection and event stream, and stops the loops. Safe to call more than once.
    public func shutdown() {
        let proceed = lifecycle.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .stopped
            return true
        }
        guard proceed else { return }
        stopping.store(true, ordering: .relaxed)
        logger.info("http shutting down", ["connections": connections])
        let remaining = Atomic<Int>(contexts.count)
        for context in contexts {
            context.loop.execute { [self] in
                if context.index == 0 { listener?.close() }
                for connection in Array(context.connections.values) { connection.closeForShutdown() }
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                    for other in contexts { other.loop.stop() }
                }
            }
        }
        for context in contexts { context.loop.join() }
        logger.info("http stopped")
    }
}
