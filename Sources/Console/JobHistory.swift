import Client
import Fleet
import Model

/// What the EVENTS stream already holds about a job, for a command that starts after the job may
/// have ended (`watch` of a finished job, a re-submitted id, `cancel` of a finished job).
public enum JobHistory {
    /// States after which a job runs no more (`failed` too, unless it announced a retry).
    public static let finalStates: [JobState] = [.succeeded, .failed, .timeout, .cancelled, .rejected]

    /// The job's final event, the latest when several are stored; nil when none is (or the stream
    /// is missing). A `failed` event with `will_retry` does not count: the agent publishes one per
    /// failed attempt that will be tried again.
    public static func finalEvent(of jobID: String, in context: JetStreamContext) -> JobEvent? {
        lastEvents(of: jobID, states: finalStates, in: context).last { !isRetryAnnouncement($0) }
    }

    /// The last stored event of each of `states` (one lookup each), oldest first.
    public static func lastEvents(of jobID: String, states: [JobState], in context: JetStreamContext) -> [JobEvent] {
        states.compactMap { state in
            let subject = Subjects.event(jobID: jobID, state: state)
            guard let stored = try? context.lastMessage(stream: FleetTopology.eventsStream, subject: subject) else {
                return nil
            }
            return try? MessageCoding.decode(JobEvent.self, from: stored.payload)
        }.sorted { $0.at < $1.at }
    }

    /// A `failed` event for an attempt that will be retried (its typed `will_retry`).
    public static func isRetryAnnouncement(_ event: JobEvent) -> Bool { event.isRetryAnnouncement }
}

extension JobResult.Status {
    /// The lifecycle state a result of this status ends in.
    public var finalState: JobState {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .rejected: .rejected
        }
    }
}
