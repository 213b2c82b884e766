import Net
import Support
import Synchronization
import TLS
import Wire

/// Where a connection stands.
public enum ConnectionStatus: Sendable, Equatable {
    case connecting
    case connected
    /// The connection broke; publishes are buffered while new attempts are made.
    case reconnecting
    /// `drain` unsubscribed everything and waits for the last messages before closing.
    case draining
    case closed
}

/// Counters since the connection was made.
public struct ConnectionStatistics: Sendable, Equatable {
    public var inMessages = 0
    public var inBytes = 0
    public var outMessages = 0
    public var outBytes = 0
    public var reconnects = 0
}

/// A NATS client connection driven by two threads: a reader (parses server operations, runs
/// subscription handlers, answers PINGs, reconnects) and a flusher (writes buffered publishes soon
/// after they are made, sends keep-alive PINGs).
///
/// Publishing appends to an outbound buffer; the publishing thread writes it itself once it passes
/// `flushThreshold`, otherwise the flusher writes it within microseconds. `flush()` is a PING/PONG
/// round trip: when it returns, the server has processed everything published before.
///
/// Locking (hence `@unchecked Sendable`): `lock` guards every `var` under "Shared state";
/// `writeLock` guards `writing` and serialises writes to the socket, and is always taken before
/// `lock` when both are held. "Reader state" belongs to the reader thread alone (and to `connect`
/// before that thread starts). Handlers run on the reader thread with no lock held.
public final class NATSConnection: @unchecked Sendable {
    public let options: ConnectionOptions
    /// What every inbox of this connection starts with (`options.effectiveInboxPrefix`).
    public let inboxRoot: String
    let servers: [ServerAddress]
    /// Makes a fresh TLS session for each connection attempt; nil when no server can need TLS.
    let tlsContext: TLSContext?

    // MARK: Shared state (guarded by `lock`)
    let lock = Lock()
    /// Signalled on every status change; also the interruptible sleep between reconnect attempts.
    let statusChanged: Condition
    /// Wakes the flusher thread.
    let flusherWake: Condition
    var status = ConnectionStatus.connecting
    /// The socket of the current connection, and its TLS stream once upgraded.
    var transport: ClientTransport?
    var currentServer: ServerAddress?
    var info = NATSServerInfo()
    /// Frames not yet handed to the socket.
    var outbound = ByteBuffer(capacity: 64 * 1024)
    var flushRequested = false
    var subscriptions: [Int: ClientSubscription] = [:] {
        didSet { subscriptionsVersion.add(1, ordering: .releasing) }
    }
    /// Bumped (under `lock`) whenever `subscriptions` changes; read by the reader without the lock.
    let subscriptionsVersion = Atomic<Int>(0)
    var nextSid = 1
    /// One entry per PING on the wire, in order; nil for keep-alive PINGs nobody waits for.
    var pongWaiters: [PongWaiter?] = []
    /// `<inboxRoot>.<random>.` once the first request subscribed to its wildcard.
    var inboxPrefix: String?
    var requests: [Int: RequestWaiter] = [:]
    var nextRequestToken = 1
    var readerThread: ClientThread?
    var flusherThread: ClientThread?
    var counters = ConnectionStatistics()

    // MARK: Write state (guarded by `writeLock`)
    let writeLock = Lock()
    /// The frames being written; swapped with `outbound` so publishers never wait for the socket.
    var writing = ByteBuffer(capacity: 64 * 1024)

    // MARK: Reader state (reader thread only)
    var inbound = ByteBuffer(capacity: 256 * 1024)
    let parser = ServerOpParser()
    /// Total bytes the op at the front of `inbound` needs before parsing it again is useful.
    var pendingMinimum = 0
    /// The subscription of the last message, reused while `subscriptionsVersion` stays the same: most
    /// reads carry messages for one subscription, and this skips the lock and the hash per message.
    var cachedSubscription: ClientSubscription?
    var cachedSid = -1
    var cachedVersion = -1
    /// The TLS session of the last connection, offered when reconnecting to the same server.
    var savedTLSSession: (server: ServerAddress, session: TLSSavedSession)?
    let inMessages = Atomic<Int>(0)
    let inBytes = Atomic<Int>(0)

    init(servers: [ServerAddress], options: ConnectionOptions, tlsContext: TLSContext?) {
        self.servers = servers
        self.options = options
        inboxRoot = options.effectiveInboxPrefix
        self.tlsContext = tlsContext
        statusChanged = Condition(lock: lock)
        flusherWake = Condition(lock: lock)
    }

    /// Connects to the first of `urls` that answers (each entry may be a comma-separated list, as in
    /// `NATS_URL`), completes the INFO/CONNECT/PING/PONG handshake (over TLS when `options.tls` is set,
    /// the URL is `tls://`, or the server requires it) and starts the client's threads.
    /// A server's `-ERR` during the handshake is thrown as `.serverError(text)`; TLS failures as
    /// `.tlsRequired`, `.tlsConfiguration` or `.tlsHandshakeFailed` with the cause.
    public static func connect(
        urls: [String] = ["nats://127.0.0.1:4222"],
        options: ConnectionOptions = ConnectionOptions()
    ) throws(ClientError) -> NATSConnection {
        let servers = try ServerAddress.parseList(urls)
        if let prefix = options.inboxPrefix, !ConnectionOptions.isValidInboxPrefix(prefix) {
            throw .invalidSubject(prefix)
        }
        let tlsContext = try makeTLSContext(options: options, servers: servers)
        let connection = NATSConnection(servers: servers, options: options, tlsContext: tlsContext)
        var lastError = ClientError.closed
        for server in servers {
            do {
                try connection.open(server)
                connection.startThreads()
                return connection
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// Connects to `url` (which may be a comma-separated list).
    public static func connect(
        url: String,
        options: ConnectionOptions = ConnectionOptions()
    ) throws(ClientError) -> NATSConnection {
        try connect(urls: [url], options: options)
    }

    private func startThreads() {
        let reader = ClientThread.start(name: "nats-reader") { [self] in runReader() }
        let flusher = ClientThread.start(name: "nats-flusher") { [self] in runFlusher() }
        lock.withLock {
            readerThread = reader
            flusherThread = flusher
        }
    }

    public var currentStatus: ConnectionStatus { lock.withLock { status } }

    /// The INFO of the server currently (or last) connected.
    public var serverInfo: NATSServerInfo { lock.withLock { info } }

    /// The server currently (or last) connected.
    public var connectedServer: ServerAddress? { lock.withLock { currentServer } }

    public var statistics: ConnectionStatistics {
        var result = lock.withLock { counters }
        result.inMessages = inMessages.load(ordering: .relaxed)
        result.inBytes = inBytes.load(ordering: .relaxed)
        return result
    }

    /// Writes what is buffered, waits (up to a second) until the server has processed it, then closes
    /// the socket and stops the threads. Waiting calls fail with `.closed`. Safe to call twice and
    /// from a handler (then the reader thread finishes once the handler returns).
    public func close() {
        let (wasConnected, onReader) = lock.withLock {
            (status == .connected || status == .draining, readerThread?.isCurrent ?? false)
        }
        if wasConnected {
            if onReader {
                flushOutbound()
            } else {
                try? flush(timeout: .seconds(1))
            }
        }
        let threads: [ClientThread] = lock.withLock {
            if status != .closed {
                status = .closed
                transport?.shutdown()
                failWaitersLocked(with: .closed)
                flusherWake.signal()
                statusChanged.broadcast()
            }
            let threads = [readerThread, flusherThread].compactMap { $0 }
            readerThread = nil
            flusherThread = nil
            return threads
        }
        for thread in threads where !thread.isCurrent { thread.join() }
    }

    /// Fails every flush and request in flight (lock held).
    func failWaitersLocked(with error: ClientError) {
        let waiters = pongWaiters
        pongWaiters = []
        for waiter in waiters { waiter?.finish(.failed) }
        let pending = requests
        requests = [:]
        for waiter in pending.values { waiter.finish(.failure(error)) }
    }

    /// Throws `.calledFromHandler` on the reader thread, where waiting for the server would deadlock.
    func ensureNotReaderThread() throws(ClientError) {
        if lock.withLock({ readerThread?.isCurrent ?? false }) { throw .calledFromHandler }
    }

    /// Waits (lock not held) until connected or draining; `.closed` or `.timeout` otherwise.
    func waitUntilConnected(_ deadline: Deadline) throws(ClientError) {
        lock.lock()
        defer { lock.unlock() }
        while true {
            switch status {
            case .connected, .draining: return
            case .closed: throw .closed
            case .connecting, .reconnecting:
                if !statusChanged.wait(until: deadline) && deadline.hasPassed { throw .timeout }
            }
        }
    }
}
