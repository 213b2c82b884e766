/// One lifecycle event of a job, on `evt.job.<job id>.<state>` (stream EVENTS); `started` on
/// `evt.job.<job id>.started.<node id>`.
/// Like every message an agent writes, decoding ignores fields it does not know (a newer
/// agent's additions must not break an older master); the schema lists exactly what v1 writes.
public struct JobEvent: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    public var jobID: String
    /// The agent's node id; nil for `queued`, which the submitter sends.
    public var nodeID: String?
    public var state: JobState
    /// Unix nanoseconds.
    public var at: Int64
    /// Delivery attempt, from 1; nil for `queued`.
    public var attempt: Int?
    /// A human note: the error of a failure, the reason of a rejection.
    public var message: String?
    /// Fraction done, 0…1, when known (progress events).
    public var progress: Double?
    /// On the event that ends an attempt: whether the server confirmed the agent's settlement of
    /// the job message (ack, nak or term). False means it may deliver the job again.
    public var ackConfirmed: Bool?
    /// On a `failed` event: true when the job will be tried again (attempt `attempt` of several),
    /// so the failure does not end it. Absent on other events.
    public var willRetry: Bool?

    public init(
        jobID: String, nodeID: String? = nil, state: JobState, at: Int64, attempt: Int? = nil,
        message: String? = nil, progress: Double? = nil, ackConfirmed: Bool? = nil, willRetry: Bool? = nil
    ) {
        self.jobID = jobID
        self.nodeID = nodeID
        self.state = state
        self.at = at
        self.attempt = attempt
        self.message = message
        self.progress = progress
        self.ackConfirmed = ackConfirmed
        self.willRetry = willRetry
    }

    /// A `failed` event of an attempt that will be tried again: not the job's end. The typed
    /// `will_retry` decides; agents from before that field said so only in the message
    /// (`attempt 1 of 3 failed, retrying: …`), so without it that text decides.
    public var isRetryAnnouncement: Bool {
        guard state == .failed else { return false }
        return willRetry ?? (message?.contains(Self.retryNote) == true)
    }

    /// What an agent's retry announcement says after `attempt N of M failed`; older agents sent
    /// only this, so readers fall back to it when `will_retry` is absent.
    public static let retryNote = ", retrying"

    /// `evt.job.<job id>.<state>`, or `evt.job.<job id>.started.<node id>` for a `started` event
    /// that names its node.
    public var subject: String {
        if state == .started, let nodeID { return Subjects.startedEvent(jobID: jobID, nodeID: nodeID) }
        return Subjects.event(jobID: jobID, state: state)
    }

    enum CodingKeys: String, CodingKey {
        case state, at, attempt, message, progress
        case messageVersion = "v"
        case jobID = "job_id"
        case nodeID = "node_id"
        case ackConfirmed = "ack_confirmed"
        case willRetry = "will_retry"
    }
}
