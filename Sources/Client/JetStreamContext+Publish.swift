#if canImport(Glibc)
    import Glibc
#endif
import Net
import Wire

/// Publishing to streams and waiting for the stream's ack.
extension JetStreamContext {
    /// The header that makes the stream de-duplicate re-sends of one message.
    public static let messageIDHeader = "Nats-Msg-Id"

    /// Publishes with a reply inbox and waits for the stream's ack.
    ///
    /// With `msgID` the message carries `Nats-Msg-Id`, and a re-send within the stream's duplicate
    /// window is stored once (the ack says `duplicate`). When nobody answers (no stream yet, a leader
    /// election) the publish is tried again up to `retries` times, `retryWait` apart; after a timeout it
    /// is tried again only with a `msgID`, since without one a retry could store the message twice.
    /// A refusal (limits, wrong size…) is thrown as the server's `.server` error. When nobody
    /// answered, the server is asked whether a stream captures `subject`: `.noStreamResponse` when
    /// none does, `.streamUnavailable` when one does but has no leader now.
    @discardableResult
    public func publish(
        _ subject: String, payload: [UInt8], headers: HeaderBlock? = nil, msgID: String? = nil,
        timeout: Duration? = nil, retries: Int = 2,
        retryWait: Duration = .milliseconds(250)
    ) throws(JetStreamError) -> PublishAck {
        let block = try Self.headers(headers, msgID: msgID)
        var attempt = 0
        while true {
            let outcome = Result { () throws(ClientError) -> Message in
                try connection.request(subject, payload: payload, headers: block, timeout: timeout ?? self.timeout)
            }
            switch outcome {
            case .success(let reply):
                return try reply.payload.withUnsafeBytes { bytes in PublishAck.parse(bytes) }.get()
            case .failure(.noResponders):
                guard attempt < retries else { throw streamAbsence(subject: subject) }
            case .failure(.timeout):
                guard attempt < retries, msgID != nil else { throw .timeout }
            case .failure(let error):
                throw .connection(error)
            }
            attempt += 1
            Self.pause(retryWait)
        }
    }

    @discardableResult
    public func publish(
        _ subject: String, payload: String, headers: HeaderBlock? = nil, msgID: String? = nil,
        timeout: Duration? = nil, retries: Int = 2
    ) throws(JetStreamError) -> PublishAck {
        try publish(
            subject, payload: Array(payload.utf8), headers: headers, msgID: msgID, timeout: timeout,
            retries: retries)
    }

    /// Publishes without waiting: the ack arrives later through the returned handle. Blocks while
    /// `maxPendingPublishes` acks are outstanding (up to `timeout`, then `.timeout`).
    @discardableResult
    public func publishAsync(
        _ subject: String, payload: [UInt8], headers: HeaderBlock? = nil,
        msgID: String? = nil
    ) throws(JetStreamError) -> PublishFuture {
        try publisher.publish(subject, payload: payload, headers: Self.headers(headers, msgID: msgID))
    }

    /// Publishes without waiting; `completion` runs with the ack (or error) on the connection's reader
    /// thread, where it must not block. Blocks while `maxPendingPublishes` acks are outstanding.
    public func publishAsync(
        _ subject: String, payload: [UInt8], headers: HeaderBlock? = nil, msgID: String? = nil,
        completion: @escaping @Sendable (Result<PublishAck, JetStreamError>) -> Void
    )
        throws(JetStreamError)
    {
        try publisher.publish(
            subject, payload: payload, headers: Self.headers(headers, msgID: msgID),
            completion: completion)
    }

    /// Waits until every `publishAsync` of this context has its ack (or error).
    public func waitForPendingAcks(timeout: Duration? = nil) throws(JetStreamError) {
        try publisher.waitForPendingAcks(timeout: timeout ?? self.timeout)
    }

    /// `headers` plus `Nats-Msg-Id` when `msgID` is given.
    public static func headers(_ headers: HeaderBlock?, msgID: String?) throws(JetStreamError) -> HeaderBlock? {
        guard let msgID else { return headers }
        var block = headers ?? HeaderBlock()
        do {
            try block.set(name: messageIDHeader, value: msgID)
        } catch {
            throw .invalidArgument("invalid message id \"\(msgID)\": \(error)")
        }
        return block
    }

    static func pause(_ duration: Duration) {
        let microseconds = max(0, duration.nanoseconds / 1000)
        usleep(useconds_t(min(microseconds, Int64(UInt32.max))))
    }
}
