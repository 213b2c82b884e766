import Client
import Fleet
import Model

/// What the EVENTS stream already holds about a job, for a command that starts after the job may
/// have ended (`watch` of a finished job, a re-submitted id, `cancel` of a finished job).
public enum JobHistory {
    /// The job's final event, the latest when several are stored; nil when none is (or the stream
    /// is missing). A `failed` event with `will_retry` does not count: the agent publishes one per
    /// failed attempt that will be tried again.
    public static func finalEvent(of jobID: String, in context: JetStreamContext) -> JobEvent? {
        lastEvents(of: jobID, states: JobState.finalStates, in: context).last { !isRetryAnnouncement($0) }
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

    /// A `failed` event for an attempt that will be retried (`JobEvent.isRetryAnnouncement`).
    public static func isRetryAnnouncement(_ event: JobEvent) -> Bool { event.isRetryAnnouncement }
}
