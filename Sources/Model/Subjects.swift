/// The subjects of ARCHITECTURE §2, built in one place. Ids must be valid `Identifier`s; these
/// functions do not check them (the validator and the agent's configuration already did).
public enum Subjects {
    /// `job.<capability>`: the work queue a job goes to.
    public static func job(_ capability: Capability) -> String { "job.\(capability.rawValue)" }

    /// `evt.job.<job id>.<state>`: a lifecycle event.
    public static func event(jobID: String, state: JobState) -> String { "evt.job.\(jobID).\(state.rawValue)" }

    /// `result.<node id>`: a final result.
    public static func result(nodeID: String) -> String { "result.\(nodeID)" }

    /// `hb.<node id>`: a heartbeat.
    public static func heartbeat(nodeID: String) -> String { "hb.\(nodeID)" }

    /// `metrics.<node id>`: a telemetry sample.
    public static func metrics(nodeID: String) -> String { "metrics.\(nodeID)" }

    /// `ctl.job.<job id>.cancel`: a cancel request.
    public static func cancel(jobID: String) -> String { "ctl.job.\(jobID).cancel" }
}
