import Model
import Support
import Synchronization

/// What the master knows right now, in memory: each node's latest heartbeat and telemetry (with
/// their JSON as received, so the API never encodes them again), nodes remembered from the store
/// but not heard since start, the job queues' depths, and ingest counters. The API and live views
/// read it; heartbeats, telemetry and the queue poller write it. Thread-safe.
public final class FleetView: Sendable {
    /// One node as last heard from. Immutable: each message replaces it, so a listing of
    /// 10 000 nodes copies references, not messages.
    public final class Node: Sendable {
        public let heartbeat: Heartbeat
        public let telemetry: TelemetrySample?
        /// The messages' JSON as received (decoding validated it).
        public let heartbeatJSON: String
        public let telemetryJSON: String?
        /// Monotonic ns of the last heartbeat or telemetry.
        public let lastHeard: UInt64
        /// Unix ns of the same moment, for display.
        public let lastSeenAt: Int64
        /// The API's text for the node's id and name, made once per name.
        let text: NodeText

        init(
            heartbeat: Heartbeat, telemetry: TelemetrySample?, heartbeatJSON: String, telemetryJSON: String?,
            lastHeard: UInt64, lastSeenAt: Int64, text: NodeText
        ) {
            self.heartbeat = heartbeat
            self.telemetry = telemetry
            self.heartbeatJSON = heartbeatJSON
            self.telemetryJSON = telemetryJSON
            self.lastHeard = lastHeard
            self.lastSeenAt = lastSeenAt
            self.text = text
        }
    }

    /// A node known from the store, not heard from since start: its API JSON, both forms, and
    /// its live view form (`LiveNodeJSON`).
    public struct Remembered: Sendable {
        public var full: String
        public var summary: String
        public var live: String
    }

    /// A node in the listing: heard since start, or only remembered (always offline).
    public enum Listed: Sendable {
        case live(Node)
        case remembered(Remembered)
    }

    /// A job consumer's backlog.
    public struct QueueDepth: Sendable, Equatable {
        public var capability: String
        /// Jobs waiting to be pulled.
        public var pending: Int
        /// Jobs out at agents, not yet acknowledged.
        public var running: Int
    }

    /// Messages taken in since start, per kind.
    public struct Counters: Sendable, Equatable {
        public var heartbeats = 0
        public var telemetry = 0
        public var events = 0
        public var results = 0
        /// Messages that could not be decoded (logged and dropped).
        public var invalid = 0
        /// Stores that failed (the message stays unacknowledged and comes back).
        public var storeFailures = 0
        /// Heartbeats and telemetry shown live but not stored: the store writer's queue was full.
        public var storeDropped = 0
        /// Messages decoded but refused, by kind and reason.
        public var refused: [MessageRefusal: Int] = [:]
        /// Jobs marked failed because JetStream gave up on them (`DeadLetter`).
        public var deadLetters = 0
        /// Results accepted with no `started` event from their node seen (see `ResultAdmission`).
        public var unverifiedResults = 0
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var remembered: [String: Remembered] = [:]
        /// Every listed node id (live or remembered), sorted.
        var order: [String] = []
        var queues: [QueueDepth] = []
        var counters = Counters()

        /// Adds `id` to `order` unless listed already.
        mutating func list(_ id: String) {
            guard nodes[id] == nil && remembered[id] == nil else { return }
            var low = 0
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                if order[middle] < id { low = middle + 1 } else { high = middle }
            }
            order.insert(id, at: low)
        }
    }

    private let state = Mutex(State())
    /// `/api/fleet`'s node counts (`MasterAPI.census(of:now:)`) as last made, and when (monotonic ns).
    private let latestCensus = Mutex<(text: String, at: UInt64)?>(nil)
    let offlineAfterNanoseconds: UInt64

    init(offlineAfterSeconds: Double) {
        offlineAfterNanoseconds = UInt64(offlineAfterSeconds * 1e9)
    }

    /// Nodes known from the store, listed as offline until heard from.
    func remember(_ nodes: [String: Remembered]) {
        state.withLock { state in
            for (id, node) in nodes where state.nodes[id] == nil {
                state.list(id)
                state.remembered[id] = node
            }
        }
    }

    /// A heartbeat and its JSON (encoded here when not given).
    func heard(_ heartbeat: Heartbeat, json: String? = nil, at now: UInt64, unix: Int64) {
        let json = json ?? Self.encoded(heartbeat)
        let id = heartbeat.nodeID
        let known = state.withLock { $0.nodes[id]?.text }
        let text = known.flatMap { $0.name == heartbeat.name ? $0 : nil } ?? NodeText(id: id, name: heartbeat.name)
        state.withLock { state in
            state.counters.heartbeats += 1
            let previous = state.nodes[id]
            if previous == nil {
                state.list(id)
                state.remembered[id] = nil
            }
            state.nodes[id] = Node(
                heartbeat: heartbeat, telemetry: previous?.telemetry, heartbeatJSON: json,
                telemetryJSON: previous?.telemetryJSON, lastHeard: now, lastSeenAt: unix, text: text)
        }
    }

    /// Telemetry from a node not heard from by heartbeat yet is counted but not listed.
    func heard(_ sample: TelemetrySample, json: String? = nil, at now: UInt64, unix: Int64) {
        let json = json ?? Self.encoded(sample)
        state.withLock { state in
            state.counters.telemetry += 1
            guard let node = state.nodes[sample.nodeID] else { return }
            state.nodes[sample.nodeID] = Node(
                heartbeat: node.heartbeat, telemetry: sample, heartbeatJSON: node.heartbeatJSON, telemetryJSON: json,
                lastHeard: now, lastSeenAt: unix, text: node.text)
        }
    }

    func count(_ update: (inout Counters) -> Void) { state.withLock { update(&$0.counters) } }

    /// Keeps node counts made at `at` for `/api/fleet`.
    func keep(census text: String, at: UInt64) { latestCensus.withLock { $0 = (text, at) } }

    /// The node counts kept, unless older than `maximumAge` ns at `now` (or none kept).
    func census(notOlderThan maximumAge: UInt64, now: UInt64) -> String? {
        latestCensus.withLock { kept in
            guard let kept, now < kept.at || now - kept.at <= maximumAge else { return nil }
            return kept.text
        }
    }

    func setQueues(_ queues: [QueueDepth]) { state.withLock { $0.queues = queues } }

    /// Nodes heard since start, by id.
    public var nodes: [Node] {
        state.withLock { state in state.order.compactMap { state.nodes[$0] } }
    }

    /// Up to `limit` listed nodes from `offset` in id order, and how many are listed in all.
    public func listing(offset: Int = 0, limit: Int = .max) -> (nodes: [Listed], total: Int) {
        state.withLock { state in
            let start = min(offset, state.order.count)
            let end = start + min(limit, state.order.count - start)
            let page = state.order[start..<end].compactMap { id in
                state.nodes[id].map(Listed.live) ?? state.remembered[id].map(Listed.remembered)
            }
            return (page, state.order.count)
        }
    }

    /// A page of the listing: its nodes, where it starts, how many are listed in all, and the id
    /// to ask `after` for the next page (nil on the last page).
    public struct Page: Sendable {
        public var nodes: [Listed]
        public var offset: Int
        public var total: Int
        public var next: String?
    }

    /// Up to `limit` listed nodes in id order: those whose id sorts after `after` when given,
    /// else from `offset`.
    public func page(after: String? = nil, offset: Int = 0, limit: Int) -> Page {
        state.withLock { state in
            var start = min(max(0, offset), state.order.count)
            if let after {
                var (low, high) = (0, state.order.count)
                while low < high {
                    let middle = (low + high) / 2
                    if state.order[middle] <= after { low = middle + 1 } else { high = middle }
                }
                start = low
            }
            let end = start + min(max(0, limit), state.order.count - start)
            let nodes = state.order[start..<end].compactMap { id in
                state.nodes[id].map(Listed.live) ?? state.remembered[id].map(Listed.remembered)
            }
            let next = end < state.order.count && end > start ? state.order[end - 1] : nil
            return Page(nodes: nodes, offset: start, total: state.order.count, next: next)
        }
    }

    /// Nodes listed, live or remembered.
    public var count: Int { state.withLock { $0.order.count } }
    public var queues: [QueueDepth] { state.withLock { $0.queues } }
    public var counters: Counters { state.withLock { $0.counters } }

    /// `available`, `busy`, `draining` as the node says, or `offline` after the missed heartbeats.
    /// A node heard after `now` (read before the listing was taken) is not offline.
    public func status(of node: Node, now: UInt64 = Clock.monotonicNanoseconds()) -> String {
        now > node.lastHeard && now - node.lastHeard > offlineAfterNanoseconds
            ? "offline" : node.heartbeat.state.rawValue
    }

    private static func encoded<Message: Encodable>(_ message: Message) -> String {
        (try? MessageCoding.encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
