import Client
import Fleet
import Model

/// The events and results `ffrtmp submit --wait` and `ffrtmp watch` follow, read so that none is
/// missed while their connection is down: ordered consumers on EVENTS and RESULTS, starting at each
/// stream's next message, replay what was stored meanwhile once the connection is back. The messages
/// go into an inbox beside core subscriptions (telemetry), in stream order per stream.
///
/// Without the streams (a broker where `ffrtmp setup` was not run) it falls back to core
/// subscriptions, which see only what arrives while connected.
public final class JobFeed: Sendable {
    private let consumers: [JetStreamOrderedConsumer]

    /// The filter on EVENTS for `jobIDs`: one job's subjects, or every job's for several.
    public static func eventFilter(jobIDs: [String]) -> String {
        jobIDs.count == 1 ? Subjects.events(jobID: jobIDs[0]) : Subjects.allEvents
    }

    /// The sequence after a stream's last, where following starts; a server's `last_seq` is a hostile
    /// number, so the largest one stays itself instead of overflowing.
    static func sequence(after last: UInt64) -> UInt64 { last == .max ? last : last + 1 }

    /// Starts following `eventFilter` and every result into `inbox`, from what the streams store next.
    /// Without `results` (an identity that may not read them, such as broker/roles.conf's submitter, which
    /// may not make consumers either) only the events are followed, through a core subscription: what is
    /// published while the connection is down is missed.
    public init(
        context: JetStreamContext, eventFilter: String, inbox: MessageInbox, results: Bool = true
    ) throws(ClientError) {
        guard results else {
            try context.connection.subscribe(eventFilter, into: inbox)
            try context.connection.flush()
            consumers = []
            return
        }
        var consumers: [JetStreamOrderedConsumer] = []
        let followed = [(FleetTopology.eventsStream, eventFilter), (FleetTopology.resultsStream, Subjects.allResults)]
        for (stream, filter) in followed {
            guard let state = try? context.streamInfo(stream).state else {
                try context.connection.subscribe(filter, into: inbox)
                continue
            }
            let consumer = JetStreamOrderedConsumer(
                context: context, stream: stream, filter: filter,
                startSequence: Self.sequence(after: state.lastSequence))
            consumer.start(into: inbox)
            consumers.append(consumer)
        }
        try context.connection.flush()
        self.consumers = consumers
    }

    /// Stops the consumers' threads.
    public func stop() {
        for consumer in consumers { consumer.stop() }
    }
}
