import Wire

/// Subscribing and unsubscribing.
extension NATSConnection {
    /// Subscribes with a handler that gets an owned copy of each message, on the reader thread.
    public func subscribe(
        _ subject: String, queue: String? = nil,
        handler: @escaping @Sendable (Message) -> Void
    ) throws(ClientError) -> ClientSubscription {
        try addSubscription(subject: subject, queue: queue, delivery: .handler(handler))
    }

    /// Subscribes with a handler that gets views into the read buffer, valid only during the call:
    /// no copy and no allocation per message.
    public func subscribeZeroCopy(
        _ subject: String, queue: String? = nil,
        handler: @escaping @Sendable (MessageView) -> Void
    )
        throws(ClientError) -> ClientSubscription
    {
        try addSubscription(subject: subject, queue: queue, delivery: .view(handler))
    }

    /// Subscribes for `nextMessage`: messages wait in a queue of up to `pendingMessageLimit`.
    public func subscribeSync(_ subject: String, queue: String? = nil) throws(ClientError) -> ClientSubscription {
        try addSubscription(
            subject: subject, queue: queue,
            delivery: .queue(MessageQueue(limit: options.pendingMessageLimit)))
    }

    func addSubscription(
        subject: String, queue: String?,
        delivery: ClientSubscription.Delivery
    ) throws(ClientError) -> ClientSubscription {
        try withBytes(of: subject) { bytes throws(ClientError) in
            guard Self.isValidSubject(bytes) else { throw .invalidSubject(subject) }
        }
        if let queue {
            try withBytes(of: queue) { bytes throws(ClientError) in
                guard Self.isValidSubject(bytes) else { throw .invalidSubject(queue) }
            }
        }
        lock.lock()
        defer { lock.unlock() }
        guard status != .closed else { throw .closed }
        return registerLocked(subject: subject, queue: queue, delivery: delivery)
    }

    /// Adds to the table and, when connected, sends SUB (lock held).
    func registerLocked(
        subject: String, queue: String?,
        delivery: ClientSubscription.Delivery
    ) -> ClientSubscription {
        let sid = nextSid
        nextSid += 1
        let subscription = ClientSubscription(
            subject: subject, queueGroup: queue, sid: sid, connection: self,
            delivery: delivery)
        subscriptions[sid] = subscription
        if status == .connected || status == .draining {
            ClientOpEncoder.appendSubscribe(subject: subject, queue: queue, sid: sid, to: outbound)
            requestFlushLocked()
        }
        return subscription
    }

    func unsubscribe(_ subscription: ClientSubscription, max: Int?) throws(ClientError) {
        lock.lock()
        guard status != .closed else {
            lock.unlock()
            throw .closed
        }
        guard subscriptions[subscription.sid] === subscription else {
            lock.unlock()
            return
        }
        let connected = status == .connected || status == .draining
        var removed = false
        if let max, max > 0, subscription.delivered.load(ordering: .relaxed) < max {
            subscription.maximum.store(max, ordering: .relaxed)
            if connected { ClientOpEncoder.appendUnsubscribe(sid: subscription.sid, max: max, to: outbound) }
        } else {
            subscriptions[subscription.sid] = nil
            removed = true
            if connected { ClientOpEncoder.appendUnsubscribe(sid: subscription.sid, max: nil, to: outbound) }
        }
        if connected { requestFlushLocked() }
        lock.unlock()
        if removed { subscription.finish() }
    }

    /// Takes a subscription out of the table (reader thread, when it reached its maximum).
    func removeSubscription(_ subscription: ClientSubscription, sendUnsubscribe: Bool) {
        lock.withLock {
            guard subscriptions[subscription.sid] === subscription else { return }
            subscriptions[subscription.sid] = nil
            if sendUnsubscribe && (status == .connected || status == .draining) {
                ClientOpEncoder.appendUnsubscribe(sid: subscription.sid, max: nil, to: outbound)
                requestFlushLocked()
            }
        }
        subscription.finish()
    }
}
