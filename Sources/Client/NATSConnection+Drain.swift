import Wire

/// Draining: stop receiving, let in-flight messages finish, then close.
extension NATSConnection {
    /// Unsubscribes everything, waits until the server has delivered what was already on its way
    /// (and handlers ran), writes pending publishes, then closes.
    public func drain(timeout: Duration = .seconds(10)) throws(ClientError) {
        try ensureNotReaderThread()
        let connected = lock.withLock {
            guard status == .connected else { return false }
            status = .draining
            for sid in subscriptions.keys.sorted() {
                ClientOpEncoder.appendUnsubscribe(sid: sid, max: nil, to: outbound)
            }
            statusChanged.broadcast()
            return true
        }
        defer { close() }
        if connected { try flush(timeout: timeout) }
    }
}
