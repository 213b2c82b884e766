import Net
import Support
import Wire

/// Request/reply over one wildcard inbox subscription, `<inbox prefix>.<random>.*`, with a token per
/// request.
extension NATSConnection {
    /// Publishes `payload` to `subject` with a reply subject and waits for the first answer.
    /// Throws `.noResponders(subject:)` when nobody subscribes to `subject`, `.timeout` after `timeout`.
    public func request(
        _ subject: String, payload: UnsafeRawBufferPointer, headers: HeaderBlock? = nil,
        timeout: Duration = .seconds(2)
    ) throws(ClientError) -> Message {
        try ensureNotReaderThread()
        let deadline = Deadline.after(timeout)
        let (token, waiter, prefix) = try lock.withLock { () throws(ClientError) in
            guard status != .closed else { throw ClientError.closed }
            let prefix = inboxPrefixLocked()
            let token = nextRequestToken
            nextRequestToken += 1
            let waiter = RequestWaiter(subject: subject, condition: Condition(lock: lock))
            requests[token] = waiter
            return (token, waiter, prefix)
        }
        do throws(ClientError) {
            let reply = prefix + String(token)
            try withBytes(of: subject) { subjectBytes throws(ClientError) in
                try withBytes(of: reply) { replyBytes throws(ClientError) in
                    try enqueuePublish(
                        subject: subjectBytes, reply: replyBytes, headers: headers, payload: payload,
                        writeNow: true)
                }
            }
        } catch {
            lock.withLock { requests[token] = nil }
            throw error
        }
        lock.lock()
        defer { lock.unlock() }
        while waiter.result == nil && waiter.condition.wait(until: deadline) {}
        requests[token] = nil
        guard let result = waiter.result else { throw .timeout }
        return try result.get()
    }

    public func request(
        _ subject: String, payload: [UInt8] = [], headers: HeaderBlock? = nil,
        timeout: Duration = .seconds(2)
    ) throws(ClientError) -> Message {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(ClientError) in
                try request(subject, payload: bytes, headers: headers, timeout: timeout)
            }
        }.get()
    }

    public func request(
        _ subject: String, payload: String, headers: HeaderBlock? = nil,
        timeout: Duration = .seconds(2)
    ) throws(ClientError) -> Message {
        try withBytes(of: payload) { bytes throws(ClientError) in
            try request(subject, payload: bytes, headers: headers, timeout: timeout)
        }
    }

    /// A fresh unique subject under the inbox prefix (`_INBOX.` by default), for replies the caller
    /// subscribes to itself.
    public func newInbox() -> String { inboxRoot + "." + Self.randomToken() }

    /// The request inbox prefix, subscribing to its wildcard on first use (lock held).
    private func inboxPrefixLocked() -> String {
        if let inboxPrefix { return inboxPrefix }
        let prefix = inboxRoot + "." + Self.randomToken() + "."
        _ = registerLocked(subject: prefix + "*", queue: nil, delivery: .inbox)
        inboxPrefix = prefix
        return prefix
    }

    /// Hands a reply on the inbox to its waiting `request` (reader thread).
    func completeRequest(_ frame: MessageFrame) {
        let subject = frame.subject
        var start = subject.count
        while start > 0 && subject[start - 1] != UInt8(ascii: ".") { start -= 1 }
        guard let token = Decimal.parse(UnsafeRawBufferPointer(rebasing: subject[start...])) else { return }
        guard let waiter = lock.withLock({ requests[token] }) else { return }
        let view = MessageView(frame)
        let result: Result<Message, ClientError>
        let headers = view.headers()
        if frame.payload.isEmpty, headers?.status == 503 {
            result = .failure(.noResponders(subject: waiter.subject))
        } else {
            result = .success(
                Message(
                    subject: view.subject, reply: view.reply, headers: headers,
                    payload: Array(frame.payload)))
        }
        lock.withLock {
            if requests.removeValue(forKey: token) != nil { waiter.finish(result) }
        }
    }

    /// 22 random characters from [0-9A-Za-z] (about 131 bits).
    static func randomToken() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 22)
        for index in bytes.indices { bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
