/// The subjects of ARCHITECTURE §2, built in one place. Ids must be valid `Identifier`s; these
/// functions do not check them (the validator and the agent's configuration already did).
public enum Subjects {
    /// `job.<capability>`: the work queue a job goes to.
    public static func job(_ capability: Capability) -> String { "job.\(capability.rawValue)" }

    /// `job.node.<node id>.<capability>`: the queue of jobs sent to one node (`ffrtmp submit --node`),
    /// whatever their priority. Without a node, the capability's queue for the priority class:
    /// `job.<capability>` (normal), `job.<capability>.high` or `job.<capability>.batch`.
    public static func job(_ capability: Capability, node: String?, priority: PriorityClass = .normal) -> String {
        if let node { return "\(nodeJobPrefix)\(node).\(capability.rawValue)" }
        return priority == .normal ? job(capability) : "\(job(capability)).\(priority.rawValue)"
    }

    /// `evt.job.<job id>.<state>`: a lifecycle event (but `started`, see `startedEvent`).
    public static func event(jobID: String, state: JobState) -> String { "\(eventPrefix)\(jobID).\(state.rawValue)" }

    /// `evt.job.<job id>.started.<node id>`: the event that assigns an attempt to a node. The node
    /// token lets the broker's roles bind it to the publisher's certificate (`evt.job.*.started.{name}`),
    /// so only the node itself can claim an attempt.
    public static func startedEvent(jobID: String, nodeID: String) -> String {
        event(jobID: jobID, state: .started) + "." + nodeID
    }

    /// `result.<node id>`: a final result.
    public static func result(nodeID: String) -> String { resultPrefix + nodeID }

    /// `hb.<node id>`: a heartbeat.
    public static func heartbeat(nodeID: String) -> String { heartbeatPrefix + nodeID }

    /// `metrics.<node id>`: a telemetry sample.
    public static func metrics(nodeID: String) -> String { metricsPrefix + nodeID }

    /// `ctl.job.<job id>.cancel`: a cancel request.
    public static func cancel(jobID: String) -> String { "ctl.job.\(jobID).cancel" }
}

/// What a received subject starts with, to tell its kind and read the id after it.
extension Subjects {
    /// `evt.job.`: a lifecycle event; the job id and the state follow.
    public static let eventPrefix = "evt.job."

    /// `result.`: a result; the node id follows.
    public static let resultPrefix = "result."

    /// `hb.`: a heartbeat; the node id follows.
    public static let heartbeatPrefix = "hb."

    /// `metrics.`: a telemetry sample; the node id follows.
    public static let metricsPrefix = "metrics."

    /// `job.node.`: a job sent to one node; the node id and the capability follow.
    public static let nodeJobPrefix = "job.node."
}

/// Wildcard subjects, for subscriptions and stream filters.
extension Subjects {
    /// `evt.job.<job id>.>`: every lifecycle event of one job.
    public static func events(jobID: String) -> String { "\(eventPrefix)\(jobID).>" }

    /// `evt.job.>`: every job's lifecycle events.
    public static let allEvents = eventPrefix + ">"

    /// `job.>`: every work queue (the JOBS stream's subjects).
    public static let allJobs = "job.>"

    /// `job.node.<node id>.>`: every job sent to one node, whatever its capability.
    public static func nodeJobs(nodeID: String) -> String { nodeJobPrefix + nodeID + ".>" }

    /// `evt.>`: the EVENTS stream's subjects, wider than `allEvents` so other kinds of event fit.
    public static let eventsStreamFilter = "evt.>"

    /// `ctl.>`: every control request (the CONTROL stream's subjects).
    public static let allControl = "ctl.>"

    /// `result.>`: every node's results.
    public static let allResults = resultPrefix + ">"

    /// `hb.>`: every node's heartbeats.
    public static let allHeartbeats = heartbeatPrefix + ">"

    /// `metrics.>`: every node's telemetry.
    public static let allMetrics = metricsPrefix + ">"
}
