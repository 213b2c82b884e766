import Support

/// One client connection as `/connz` shows it: a copy taken on the connection's own loop, so the
/// monitoring thread reads plain values and never touches the live connection.
struct ConnectionSnapshot: Sendable, Equatable {
    var id: UInt64
    var host: String
    var port: Int
    /// When the connection was accepted, nanoseconds since the Unix epoch.
    var started: Int64
    /// When the client last sent anything, nanoseconds since the Unix epoch.
    var lastActivity: Int64
    /// Output queued for the client and not yet written.
    var pendingBytes: Int
    var subscriptionCount: Int
    /// The subscribed subjects, when asked for (`subs=1`); see `Broker.subscribedSubjects(of:)`.
    var subjects: [String] = []
    /// CONNECT's `name`, `lang` and `version`.
    var name: String?
    var language: String?
    var version: String?
}

extension ClientConnection {
    /// This connection's snapshot. Loop thread (the pending bytes are read under the outbound lock).
    func snapshot(wallNow: Int64, monotonicNow: UInt64) -> ConnectionSnapshot {
        func wall(_ monotonic: UInt64) -> Int64 {
            wallNow - Int64(clamping: monotonicNow &- min(monotonic, monotonicNow))
        }
        let address = ConnectionSnapshot.split(remoteAddress)
        return ConnectionSnapshot(
            id: id, host: address.host, port: address.port, started: wall(openedAt),
            lastActivity: wall(lastActivity), pendingBytes: outboundLock.withLock { outbound.readableCount },
            subscriptionCount: subscriptions.count, name: options.name, language: options.language,
            version: options.version)
    }
}

extension ConnectionSnapshot {
    /// `host:port` or `[v6host]:port` as the peer's address is printed; port 0 when there is none.
    static func split(_ address: String) -> (host: String, port: Int) {
        guard let colon = address.lastIndex(of: ":") else { return (address, 0) }
        let host = String(address[..<colon]).trimmingCharacters(in: "[]")
        return (host, Int(address[address.index(after: colon)...]) ?? 0)
    }
}
