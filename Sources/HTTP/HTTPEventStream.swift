import Net
import Support

/// One client's Server-Sent Events stream: events are pushed from any thread and written by the
/// connection's loop.
///
/// Output waits in a buffer bounded by `maxEventStreamBufferBytes`: a client that stops reading
/// fills it, and the next `send` that would pass the bound drops the client instead of growing.
/// `send` returns false once the stream is closed, whoever closed it, so a publisher can forget it;
/// `onClose` tells it the same without sending.
///
/// `@unchecked Sendable`: every mutable field is guarded by `lock`.
public final class HTTPEventStream: @unchecked Sendable {
    /// Why the connection must act; passed to its loop.
    enum Request {
        /// New output is waiting.
        case flush
        /// The server side closed the stream: write what is buffered, then close.
        case finish
        /// The buffer passed its bound: drop the client now.
        case overflow
    }

    /// The connection's id, for logs.
    public let connectionID: UInt64
    /// The client, `host:port`.
    public let remoteAddress: String

    private let lock = Lock()
    private let maxBufferedBytes: Int
    private let notify: @Sendable (Request) -> Void
    // Guarded by `lock`:
    private let output = ByteBuffer(capacity: 1024)
    private var isOpen = true
    /// A flush was requested and has not yet drained the buffer; no need to ask again.
    private var flushRequested = false
    private var closeHandlers: [@Sendable () -> Void] = []
    private var closeHandlersRan = false

    init(
        connectionID: UInt64, remoteAddress: String, maxBufferedBytes: Int,
        notify: @escaping @Sendable (Request) -> Void
    ) {
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.maxBufferedBytes = maxBufferedBytes
        self.notify = notify
    }

    /// Queues one event; `data` may span lines. False when the stream is closed (or just got
    /// closed because this client does not keep up). Any thread.
    @discardableResult
    public func send(event: String? = nil, data: String, id: String? = nil) -> Bool {
        enqueue(ServerSentEvent.encode(event: event, data: data, id: id))
    }

    /// Queues a comment line (`:text`), which clients ignore. Any thread.
    @discardableResult
    public func sendComment(_ text: String) -> Bool { enqueue(ServerSentEvent.comment(text)) }

    /// Ends the stream after what is queued has been written. Any thread.
    public func close() {
        let wasOpen = lock.withLock {
            defer { isOpen = false }
            return isOpen
        }
        if wasOpen { notify(.finish) }
    }

    /// Bytes queued and not yet written: a publisher can send no faster than the client reads.
    public var bufferedBytes: Int { lock.withLock { output.readableCount } }

    /// True once the stream no longer takes events.
    public var isClosed: Bool { lock.withLock { !isOpen } }

    /// Runs `handler` once the connection is gone (at once if it already is). Any thread.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let runNow = lock.withLock {
            if closeHandlersRan { return true }
            closeHandlers.append(handler)
            return false
        }
        if runNow { handler() }
    }

    private func enqueue(_ bytes: [UInt8]) -> Bool {
        lock.lock()
        guard isOpen else {
            lock.unlock()
            return false
        }
        if output.readableCount + bytes.count > maxBufferedBytes {
            isOpen = false
            output.clear()
            lock.unlock()
            notify(.overflow)
            return false
        }
        output.append(bytes)
        let mustAsk = !flushRequested
        flushRequested = true
        lock.unlock()
        if mustAsk { notify(.flush) }
        return true
    }

    // MARK: the connection's side (its loop thread)

    /// Writes buffered events to `fd`. Until it drains, later sends need not ask for a flush:
    /// the loop will call again when the socket is writable.
    func writePending(to fd: Int32) -> SocketWriteOutcome {
        lock.withLock {
            let outcome = output.write(to: fd, idleCapacity: 16 * 1024)
            if case .drained = outcome { flushRequested = false }
            return outcome
        }
    }

    /// The connection closed: refuse further events and tell whoever asked.
    func connectionClosed() {
        let handlers = lock.withLock {
            isOpen = false
            output.clear()
            if closeHandlersRan { return [] as [@Sendable () -> Void] }
            closeHandlersRan = true
            defer { closeHandlers.removeAll() }
            return closeHandlers
        }
        for handler in handlers { handler() }
    }
}
