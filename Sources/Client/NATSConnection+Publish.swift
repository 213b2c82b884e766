import Wire

/// Publishing: frames are encoded into the outbound buffer; see `NATSConnection` for when they are written.
extension NATSConnection {
    /// Publishes `payload` to `subject`, optionally with a reply subject and headers.
    /// While reconnecting the frame is buffered (up to `reconnectBufferSize`).
    public func publish(
        _ subject: String, payload: UnsafeRawBufferPointer, reply: String? = nil,
        headers: HeaderBlock? = nil
    ) throws(ClientError) {
        try withBytes(of: subject) { subjectBytes throws(ClientError) in
            try withBytes(of: reply ?? "") { replyBytes throws(ClientError) in
                try enqueuePublish(subject: subjectBytes, reply: replyBytes, headers: headers, payload: payload)
            }
        }
    }

    public func publish(
        _ subject: String, payload: [UInt8] = [], reply: String? = nil,
        headers: HeaderBlock? = nil
    ) throws(ClientError) {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(ClientError) in try publish(subject, payload: bytes, reply: reply, headers: headers) }
        }.get()
    }

    public func publish(
        _ subject: String, payload: String, reply: String? = nil,
        headers: HeaderBlock? = nil
    ) throws(ClientError) {
        try withBytes(of: payload) { bytes throws(ClientError) in
            try publish(subject, payload: bytes, reply: reply, headers: headers)
        }
    }

    /// Answers a received message on its reply subject, without copying the subject
    /// (for responders using `subscribeZeroCopy`). Does nothing when the message has no reply subject.
    public func respond(
        to message: MessageView, payload: UnsafeRawBufferPointer,
        headers: HeaderBlock? = nil
    ) throws(ClientError) {
        guard !message.replyBytes.isEmpty else { return }
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        try enqueuePublish(subject: message.replyBytes, reply: none, headers: headers, payload: payload)
    }

    /// Answers a received message on its reply subject; does nothing when it has none.
    public func respond(to message: Message, payload: [UInt8], headers: HeaderBlock? = nil) throws(ClientError) {
        guard let reply = message.reply else { return }
        try publish(reply, payload: payload, headers: headers)
    }

    /// Writes ready-made client protocol frames (whole `PUB`… frames) straight to the connection, after
    /// whatever is buffered. For load generators that encode a large batch once and send it many
    /// times; the bytes are not checked. Fails with `.disconnected` instead of buffering.
    public func sendPreEncoded(_ frames: UnsafeRawBufferPointer) throws(ClientError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        guard let transport, status == .connected || status == .draining else {
            let closed = status == .closed
            lock.unlock()
            throw closed ? .closed : .disconnected
        }
        if !outbound.isEmpty { swap(&outbound, &writing) }
        lock.unlock()
        if !writing.isEmpty { writeOut(to: transport) }
        do {
            try transport.writeAll(frames)
        } catch {
            transport.shutdown()
            throw .disconnected
        }
    }

    /// Encodes one PUB/HPUB; `writeNow` writes it on this thread (requests, for latency).
    func enqueuePublish(
        subject: UnsafeRawBufferPointer, reply: UnsafeRawBufferPointer, headers: HeaderBlock?,
        payload: UnsafeRawBufferPointer, writeNow: Bool = false
    ) throws(ClientError) {
        guard Self.isValidSubject(subject) else { throw .invalidSubject(String(decoding: subject, as: UTF8.self)) }
        guard reply.isEmpty || Self.isValidSubject(reply) else {
            throw .invalidSubject(String(decoding: reply, as: UTF8.self))
        }
        let headerCount = headers?.encodedCount ?? 0
        lock.lock()
        let size = headerCount + payload.count
        if size > info.maxPayload {
            let limit = info.maxPayload
            lock.unlock()
            throw .payloadTooLarge(size: size, limit: limit)
        }
        switch status {
        case .closed:
            lock.unlock()
            throw .closed
        case .connecting, .reconnecting:
            if outbound.readableCount + size + subject.count + reply.count + 64 > options.reconnectBufferSize {
                lock.unlock()
                throw .reconnectBufferExceeded
            }
        case .connected, .draining:
            break
        }
        if let headers {
            ClientOpEncoder.appendHeaderPublish(
                subject: subject, reply: reply, headers: headers, payload: payload,
                to: outbound)
        } else {
            ClientOpEncoder.appendPublish(subject: subject, reply: reply, payload: payload, to: outbound)
        }
        counters.outMessages += 1
        counters.outBytes += payload.count
        let connected = status == .connected || status == .draining
        let writeHere = connected && (writeNow || outbound.readableCount >= options.flushThreshold)
        if connected && !writeHere { requestFlushLocked() }
        lock.unlock()
        if writeHere { flushOutbound() }
    }

    /// Not empty, and no spaces, tabs, line breaks or other control bytes (they would break framing).
    @inline(__always) static func isValidSubject(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes where byte <= 32 || byte == 127 { return false }
        return true
    }
}

/// Runs `body` with the UTF-8 bytes of `text` (no copy for native strings).
@inline(__always)
func withBytes<Result>(
    of text: String,
    _ body: (UnsafeRawBufferPointer) throws(ClientError) -> Result
) throws(ClientError) -> Result {
    var text = text
    return try text.withUTF8 { utf8 in
        Swift.Result { () throws(ClientError) -> Result in try body(UnsafeRawBufferPointer(utf8)) }
    }.get()
}
