import Client
import Fleet
import Model
import Support

/// A pull thread's view of the node's own queue (jobs sent to this node alone): the consumer is
/// created on first use, then asked without waiting before each wait on the shared queue. When it
/// cannot be made or read (a broker whose roles predate node queues, a leader election) the thread
/// goes on with its shared queue and tries again every `retryInterval`.
struct OwnQueuePuller {
    let queue: JobQueue
    var subscription: PullSubscription?
    var retryAt: UInt64 = 0
    var warned = false
    static let retryInterval: UInt64 = 30_000_000_000

    init(queue: JobQueue) { self.queue = queue }

    /// A job waiting on the node's queue, or nil at once when there is none.
    mutating func poll(_ agent: Agent) -> JetStreamMessage? {
        guard case .node(let nodeID) = queue else { return nil }
        let now = Clock.monotonicNanoseconds()
        if subscription == nil {
            guard now >= retryAt else { return nil }
            do {
                try agent.jetStream.addOrUpdateConsumer(
                    stream: FleetTopology.jobsStream, FleetTopology.nodeJobConsumerConfig(nodeID))
                subscription = try agent.jetStream.pullSubscribe(
                    stream: FleetTopology.jobsStream, consumer: queue.consumer)
                warned = false
            } catch {
                failed(error, agent, at: now)
                return nil
            }
        }
        do {
            return try subscription?.fetch(batch: 1, noWait: true).first
        } catch {
            subscription = nil
            failed(error, agent, at: now)
            return nil
        }
    }

    private mutating func failed(_ error: JetStreamError, _ agent: Agent, at now: UInt64) {
        retryAt = now + Self.retryInterval
        guard !warned else { return }
        warned = true
        agent.logger.warning(
            "cannot pull this node's own job queue; pulling the shared queues only, retrying in 30 s",
            ["queue": "\(FleetTopology.jobsStream)/\(queue.consumer)", "error": "\(error)"])
    }
}
