import Model
import Net
import Synchronization

/// What the master knows right now, in memory: each node's latest heartbeat and telemetry, the
/// job queues' depths, and ingest counters. The API and live views read it; heartbeats,
/// telemetry and the queue poller write it. Thread-safe.
public final class FleetView: Sendable {
    /// One node as last heard from.
    public struct Node: Sendable {
        public var heartbeat: Heartbeat
        public var telemetry: TelemetrySample?
        /// Monotonic ns of the last heartbeat or telemetry.
        public var lastHeard: UInt64
        /// Unix ns of the same moment, for display.
        public var lastSeenAt: Int64
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
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var queues: [QueueDepth] = []
        var counters = Counters()
    }

    private let state = Mutex(State())
    let offlineAfterNanoseconds: UInt64

    init(offlineAfterSeconds: Double) {
        offlineAfterNanoseconds = UInt64(offlineAfterSeconds * 1e9)
    }

    func heard(_ heartbeat: Heartbeat, at now: UInt64, unix: Int64) {
        state.withLock { state in
            state.counters.heartbeats += 1
            let telemetry = state.nodes[heartbeat.nodeID]?.telemetry
            state.nodes[heartbeat.nodeID] = Node(
                heartbeat: heartbeat, telemetry: telemetry, lastHeard: now, lastSeenAt: unix)
        }
    }

    /// Telemetry from a node not heard from by heartbeat yet is counted but not listed.
    func heard(_ sample: TelemetrySample, at now: UInt64, unix: Int64) {
        state.withLock { state in
            state.counters.telemetry += 1
            guard var node = state.nodes[sample.nodeID] else { return }
            node.telemetry = sample
            node.lastHeard = now
            node.lastSeenAt = unix
            state.nodes[sample.nodeID] = node
        }
    }

    func count(_ update: (inout Counters) -> Void) { state.withLock { update(&$0.counters) } }

    func setQueues(_ queues: [QueueDepth]) { state.withLock { $0.queues = queues } }

    public var nodes: [Node] {
        state.withLock { Array($0.nodes.values) }.sorted { $0.heartbeat.nodeID < $1.heartbeat.nodeID }
    }
    public var queues: [QueueDepth] { state.withLock { $0.queues } }
    public var counters: Counters { state.withLock { $0.counters } }

    /// `available`, `busy`, `draining` as the node says, or `offline` after the missed heartbeats.
    public func status(of node: Node, now: UInt64 = Clock.monotonicNanoseconds()) -> String {
        now - node.lastHeard > offlineAfterNanoseconds ? "offline" : node.heartbeat.state.rawValue
    }
}
