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

    /// The last stored event of each of `states` (one lookup each), oldest first. A `started` event's
    /// subject names its node (`evt.job.<id>.started.<node>`), so it is found only through the node
    /// that a later stored event of the job (progress, an end) names.
    public static func lastEvents(of jobID: String, states: [JobState], in context: JetStreamContext) -> [JobEvent] {
        var events = states.filter { $0 != .started }.compactMap {
            lastEvent(on: Subjects.event(jobID: jobID, state: $0), in: context)
        }
        if states.contains(.started),
            let node = events.sorted(by: { $0.at < $1.at }).last(where: { $0.nodeID != nil })?.nodeID,
            let started = lastEvent(on: Subjects.startedEvent(jobID: jobID, nodeID: node), in: context)
        {
            events.append(started)
        }
        return events.sorted { $0.at < $1.at }
    }

    private static func lastEvent(on subject: String, in context: JetStreamContext) -> JobEvent? {
        guard let stored = try? context.lastMessage(stream: FleetTopology.eventsStream, subject: subject) else {
            return nil
        }
        return try? MessageCoding.decode(JobEvent.self, from: stored.payload)
    }

    /// A `failed` event for an attempt that will be retried (`JobEvent.isRetryAnnouncement`).
    public static func isRetryAnnouncement(_ event: JobEvent) -> Bool { event.isRetryAnnouncement }
}
