/// The query of a `/connz` request, read as nats-server reads it (`offset`, `limit`, `subs`,
/// `sort`): a value that does not parse is refused (nats-server answers 400 too), a negative
/// number takes the default, and `limit` is clamped to 1...`maximumLimit` (nats-server has no
/// upper bound) so that a page stays bounded.
struct ConnzQuery: Sendable, Equatable {
    /// The orders we can sort by; nats-server's others (`msgs_to`, `bytes_from`, `rtt`…) need
    /// counters we do not keep.
    enum Order: String, Sendable {
        /// Client id, ascending (nats-server's default).
        case cid
        /// Connection start, ascending.
        case start
        /// Subscription count, descending.
        case subs
        /// Pending output, descending.
        case pending
        /// Last activity, most recent first.
        case last
        /// Idle time, longest first.
        case idle
        /// Connected time, longest first.
        case uptime
    }

    /// nats-server's default page size (`DefaultConnListSize`), also our largest: a page stays bounded.
    static let maximumLimit = 1024
    /// Subjects listed per connection with `subs=1`; a client with more shows the first ones.
    static let maximumSubjectsListed = 1024
    /// Subject text listed on one page with `subs=1`, over all its connections.
    static let maximumSubjectBytes = 4 << 20

    var offset = 0
    var limit = maximumLimit
    var listsSubjects = false
    var order = Order.cid

    init() {}

    /// Reads the query items by name (the first value of each wins); throws nats-server's message
    /// for a value that does not parse. Sort orders nats-server knows but we cannot honour (they
    /// need per-connection message counters) sort by client id.
    init(_ value: (String) -> String?) throws(MonitorQueryError) {
        if let text = value("offset") { offset = max(0, try Self.integer(text, "offset")) }
        if let text = value("limit") {
            let number = try Self.integer(text, "limit")
            limit = number > 0 ? min(number, Self.maximumLimit) : Self.maximumLimit
        }
        if let text = value("subs"), !text.isEmpty {
            switch text {
            case "1", "t", "T", "true", "TRUE", "True", "detail": listsSubjects = true
            case "0", "f", "F", "false", "FALSE", "False": listsSubjects = false
            default: throw MonitorQueryError("Error decoding boolean for 'subs'")
            }
        }
        if let text = value("sort"), !text.isEmpty {
            if let order = Order(rawValue: text) {
                self.order = order
            } else if !Self.unsupportedOrders.contains(text) {
                throw MonitorQueryError("invalid sorting option: \(text.prefix(64))")
            }
        }
    }

    /// nats-server's other sort keys, accepted and answered in client id order.
    static let unsupportedOrders: Set<String> = [
        "msgs_to", "msgs_from", "bytes_to", "bytes_from", "stop", "reason", "rtt",
    ]

    private static func integer(_ text: String, _ name: String) throws(MonitorQueryError) -> Int {
        guard let number = Int(text) else { throw MonitorQueryError("Error decoding int for '\(name)'") }
        return number
    }

    /// `connections` in the requested order, then the page `offset..<offset+limit`.
    func page(of connections: [ConnectionSnapshot]) -> ArraySlice<ConnectionSnapshot> {
        let sorted: [ConnectionSnapshot]
        switch order {
        case .cid: sorted = connections.sorted { $0.id < $1.id }
        case .start: sorted = connections.sorted { ($0.started, $0.id) < ($1.started, $1.id) }
        case .subs: sorted = connections.sorted { ($0.subscriptionCount, $1.id) > ($1.subscriptionCount, $0.id) }
        case .pending: sorted = connections.sorted { ($0.pendingBytes, $1.id) > ($1.pendingBytes, $0.id) }
        case .last: sorted = connections.sorted { ($0.lastActivity, $1.id) > ($1.lastActivity, $0.id) }
        case .idle: sorted = connections.sorted { ($0.lastActivity, $0.id) < ($1.lastActivity, $1.id) }
        case .uptime: sorted = connections.sorted { ($0.started, $0.id) < ($1.started, $1.id) }
        }
        let start = min(offset, sorted.count)
        return sorted[start..<min(sorted.count, start + limit)]
    }
}

/// A monitoring query parameter that does not parse; answered 400 with `message`.
struct MonitorQueryError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
