import Client
import Fleet
import Model
import Support

/// A queue a pull thread asks without waiting before it waits on its capability's normal queue:
/// the node's own queue (jobs sent to this node alone; its consumer is created on first use) or a
/// high or batch priority queue. When it cannot be read (a broker set up or given roles before
/// such queues existed, a leader election) the thread goes on with its other queues and tries
/// again every `retryInterval`, saying so once.
struct PolledQueue {
    let queue: JobQueue
    var subscription: PullSubscription?
    var retryAt: UInt64 = 0
    var warned = false
    static let retryInterval: UInt64 = 30_000_000_000

    init(_ queue: JobQueue) { self.queue = queue }

    /// A job waiting on the queue, or nil at once when there is none (or the queue cannot be read).
    mutating func poll(_ agent: Agent) -> JetStreamMessage? {
        let now = Clock.monotonicNanoseconds()
        if subscription == nil {
            guard now >= retryAt else { return nil }
            do {
                if case .node(let nodeID) = queue {
                    try agent.jetStream.addOrUpdateConsumer(
                        stream: FleetTopology.jobsStream, FleetTopology.nodeJobConsumerConfig(nodeID))
                }
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
            "cannot pull this job queue (run `ffrtmp setup` against the broker?); pulling the others, retrying in 30 s",
            ["queue": "\(FleetTopology.jobsStream)/\(queue.consumer)", "error": "\(error)"])
    }
}
