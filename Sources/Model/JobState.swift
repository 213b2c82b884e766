/// A job's lifecycle step, the last token of its event subject `evt.job.<id>.<state>`.
public enum JobState: String, WireEnum {
    /// Published by the submitter when it sends the job.
    case queued
    case started
    /// Every few seconds while ffmpeg runs.
    case progress
    case succeeded, failed, timeout, cancelled
    /// Refused by validation; never retried.
    case rejected

    public static let wireKind = "job state"
}

extension JobState {
    /// States after which a job runs no more (`failed` too, unless its event announces a retry).
    public static let finalStates: [JobState] = [.succeeded, .failed, .timeout, .cancelled, .rejected]

    /// The state a result of `status` ends the job in, and the event the agent publishes with
    /// that result: the same word on the wire.
    public init(_ status: JobResult.Status) {
        switch status {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .timeout: self = .timeout
        case .cancelled: self = .cancelled
        case .rejected: self = .rejected
        }
    }
}
