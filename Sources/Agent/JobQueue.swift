import Fleet
import Model

/// A queue an agent pulls jobs from: a capability's queue, shared by every agent that proved it, or
/// the agent's own node queue, which holds jobs sent to it alone (`ffrtmp submit --node`).
enum JobQueue: Sendable, Equatable {
    /// `job.<capability>` through the capability's consumer.
    case capability(Capability)
    /// `job.node.<node id>.>` through the node's own consumer, which the agent creates.
    case node(String)

    /// The durable consumer on JOBS.
    var consumer: String {
        switch self {
        case .capability(let capability): FleetTopology.jobConsumer(capability.rawValue)
        case .node(let nodeID): FleetTopology.nodeJobConsumer(nodeID)
        }
    }
}
