import Fleet
import Model

/// A queue an agent pulls jobs from: a capability's queue for one priority class, shared by every
/// agent that proved it, or the agent's own node queue, which holds jobs sent to it alone
/// (`ffrtmp submit --node`).
enum JobQueue: Sendable, Hashable {
    /// `job.<capability>[.high|.batch]` through the class's consumer (`cpu`, `cpu-high`, `cpu-batch`).
    case capability(Capability, PriorityClass)
    /// `job.node.<node id>.>` through the node's own consumer, which the agent creates.
    case node(String)

    /// The durable consumer on JOBS.
    var consumer: String {
        switch self {
        case .capability(let capability, let priority): FleetTopology.jobConsumer(capability, priority)
        case .node(let nodeID): FleetTopology.nodeJobConsumer(nodeID)
        }
    }
}
