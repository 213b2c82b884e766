import Net
import Support
import Wire

/// Publishes to streams with many acks outstanding: each publish gets the reply subject
/// `<inbox>.<token>` on one wildcard inbox subscription, and the stream's ack is matched to its
/// publish by the token. At most `maxPending` publishes wait for acks; more block until acks return.
///
/// `@unchecked Sendable`: `lock` guards `subscription`, `pending`, `nextToken`, `waiters`,
/// `runningCallbacks`, `isClosed` and every `PublishFuture.result`.
public final class JetStreamAsyncPublisher: @unchecked Sendable {
    let connection: NATSConnection
    /// `_INBOX.<random>.`; each publish appends its token.
    let prefix: String
    public let maxPending: Int
    /// How long a publish waits for room in the window.
    public let stallTimeout: Duration
    private var subscription: ClientSubscription?

    fileprivate let lock = Lock()
    /// Signalled when acks arrive and someone waits (`waiters` > 0).
    fileprivate let changed: Condition
    private var pending: [Int: Entry] = [:]
    private var nextToken = 1
    fileprivate var waiters = 0
    /// Callbacks taken out of `pending` that have not returned yet.
    private var runningCallbacks = 0
    private var isClosed = false

    /// One publish waiting for its ack.
    private struct Entry {
        let subject: String
        let completion: Completion
    }

    /// Where an ack goes.
    enum Completion {
        case future(PublishFuture)
        case callback(@Sendable (Result<PublishAck, JetStreamError>) -> Void)
    }

    init(connection: NATSConnection, maxPending: Int, stallTimeout: Duration) throws(JetStreamError) {
        self.connection = connection
        self.maxPending = max(1, maxPending)
        self.stallTimeout = stallTimeout
        prefix = connection.newInbox() + "."
        changed = Condition(lock: lock)
        do {
            subscription = try connection.subscribeZeroCopy(prefix + "*") { [weak self] view in
                self?.receive(view)
            }
        } catch {
            throw .connection(error)
        }
    }

    /// Publishes and returns a handle to wait on for the ack.
    public func publish(_ subject: String, payload: [UInt8], headers: HeaderBlock? = nil) throws(JetStreamError)
        -> PublishFuture
    {
        let future = PublishFuture(publisher: self)
        try send(subject, payload: payload, headers: headers, completion: .future(future))
        return future
    }

    /// Publishes; `completion` runs with the ack (or error) on the connection's reader thread.
    public func publish(
        _ subject: String, payload: [UInt8], headers: HeaderBlock? = nil,
        completion: @escaping @Sendable (Result<PublishAck, JetStreamError>) -> Void
    )
        throws(JetStreamError)
    {
        try send(subject, payload: payload, headers: headers, completion: .callback(completion))
    }

    /// Publishes outstanding.
    public var pendingCount: Int { lock.withLock { pending.count } }

    /// Waits until no publish waits for its ack and every callback has returned; `.timeout` when some
    /// still wait after `timeout`.
    public func waitForPendingAcks(timeout: Duration) throws(JetStreamError) {
        let deadline = Deadline.after(timeout)
        lock.lock()
        defer { lock.unlock() }
        waiters += 1
        defer { waiters -= 1 }
        while !pending.isEmpty || runningCallbacks > 0 {
            if !changed.wait(until: deadline) && deadline.hasPassed { break }
        }
        if !pending.isEmpty || runningCallbacks > 0 { throw .timeout }
    }

    /// Stops listening for acks; publishes still outstanding fail with `.connection(.closed)`.
    public func close() {
        let (ended, subscription) = lock.withLock { () -> ([Entry], ClientSubscription?) in
            isClosed = true
            let ended = Array(pending.values)
            pending = [:]
            changed.broadcast()
            let subscription = self.subscription
            self.subscription = nil
            return (ended, subscription)
        }
        try? subscription?.unsubscribe()
        for entry in ended { Self.finish(entry.completion, .failure(.connection(.closed))) }
    }

    deinit { try? subscription?.unsubscribe() }

    // MARK: internals

    private func send(
        _ subject: String, payload: [UInt8], headers: HeaderBlock?,
        completion: Completion
    ) throws(JetStreamError) {
        let token = try reserve(subject: subject, completion: completion)
        do {
            try connection.publish(subject, payload: payload, reply: prefix + String(token), headers: headers)
        } catch {
            lock.withLock { _ = pending.removeValue(forKey: token) }
            throw .connection(error)
        }
    }

    /// Waits for room in the window and files the publish under a new token.
    private func reserve(subject: String, completion: Completion) throws(JetStreamError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if pending.count >= maxPending {
            let deadline = Deadline.after(stallTimeout)
            waiters += 1
            defer { waiters -= 1 }
            while pending.count >= maxPending && !isClosed {
                if !changed.wait(until: deadline) && deadline.hasPassed { break }
            }
        }
        if isClosed { throw .connection(.closed) }
        if pending.count >= maxPending { throw .timeout }
        let token = nextToken
        nextToken += 1
        pending[token] = Entry(subject: subject, completion: completion)
        return token
    }

    /// An ack (or no-responders status) on the inbox (reader thread). A future gets its result in
    /// the same critical section that removes it from `pending`, so an empty window means every
    /// future is complete.
    private func receive(_ view: MessageView) {
        let subject = view.subjectBytes
        var start = subject.count
        while start > 0 && subject[start - 1] != UInt8(ascii: ".") { start -= 1 }
        guard let token = Decimal.parse(UnsafeRawBufferPointer(rebasing: subject[start...])) else { return }
        let noResponders = view.payload.isEmpty && view.hasHeaders && view.headers()?.status == 503
        let parsed = noResponders ? nil : PublishAck.parse(view.payload)
        let callback = lock.withLock { () -> (Completion, Result<PublishAck, JetStreamError>)? in
            guard let entry = pending.removeValue(forKey: token) else { return nil }
            let result = parsed ?? .failure(.noStreamResponse(subject: entry.subject))
            if waiters > 0 { changed.broadcast() }
            if case .future(let future) = entry.completion {
                future.result = result
                return nil
            }
            runningCallbacks += 1
            return (entry.completion, result)
        }
        guard let (completion, result) = callback else { return }
        Self.finish(completion, result)
        lock.withLock {
            runningCallbacks -= 1
            if waiters > 0 { changed.broadcast() }
        }
    }

    /// Hands over a result: a future's under the lock (waking its waiter), a callback's without it.
    private static func finish(_ completion: Completion, _ result: Result<PublishAck, JetStreamError>) {
        switch completion {
        case .future(let future):
            let publisher = future.publisher
            publisher.lock.withLock {
                future.result = result
                if publisher.waiters > 0 { publisher.changed.broadcast() }
            }
        case .callback(let callback):
            callback(result)
        }
    }

    /// Waits (for `PublishFuture.wait`) until `future` has its result or `deadline` passes.
    fileprivate func wait(for future: PublishFuture, until deadline: Deadline)
        -> Result<PublishAck, JetStreamError>?
    {
        lock.lock()
        defer { lock.unlock() }
        waiters += 1
        defer { waiters -= 1 }
        while future.result == nil {
            if !changed.wait(until: deadline) && deadline.hasPassed { break }
        }
        return future.result
    }
}

/// The pending ack of one `publishAsync`.
///
/// `@unchecked Sendable`: `result` is guarded by its publisher's `lock`.
public final class PublishFuture: @unchecked Sendable {
    fileprivate let publisher: JetStreamAsyncPublisher
    fileprivate var result: Result<PublishAck, JetStreamError>?

    fileprivate init(publisher: JetStreamAsyncPublisher) { self.publisher = publisher }

    /// The ack once it arrived, without waiting; nil before.
    public var currentResult: Result<PublishAck, JetStreamError>? { publisher.lock.withLock { result } }

    /// Waits up to `timeout` for the ack; throws the stream's error, or `.timeout`.
    public func wait(timeout: Duration = .seconds(5)) throws(JetStreamError) -> PublishAck {
        guard let outcome = publisher.wait(for: self, until: Deadline.after(timeout)) else { throw .timeout }
        return try outcome.get()
    }
}
