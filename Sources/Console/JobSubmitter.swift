import Client
import Model

/// Sends jobs the way ARCHITECTURE §2 says: each on its capability's queue for its priority class
/// (`job.<capability>`, `.high`, `.batch`; `job.node.<node>.<capability>` for a job sent to one node) through JetStream with its id
/// as `Nats-Msg-Id` (a re-submit within the duplicate window is stored once and reported as a
/// duplicate), then a `queued` event on `evt.job.<id>.queued` for each job actually stored (carrying the job
/// and its run, so the master knows its configuration). All
/// publishes are in flight at once; their acks are awaited together.
public struct JobSubmitter: Sendable {
    public let context: JetStreamContext

    public init(context: JetStreamContext) {
        self.context = context
    }

    /// What happened to one job.
    public struct Outcome: Sendable {
        public var jobID: String
        public var subject: String
        /// The stream's ack, or why the job was not stored.
        public var ack: Result<PublishAck, JetStreamError>
        /// Set when the job was stored but its `queued` event could not be (the job still runs).
        public var queuedEventError: JetStreamError?

        public var isDuplicate: Bool { (try? ack.get())?.duplicate ?? false }
    }

    /// Publishes `jobs` and their `queued` events (stamped `at`, Unix ns); one outcome per job, in order.
    public func submit(_ jobs: [Job], at: Int64) -> [Outcome] {
        let subjects = jobs.map { $0.subject ?? Subjects.job(.cpu) }
        let acks = publishAll(
            jobs.enumerated().map { index, job in
                (subjects[index], (try? MessageCoding.encode(job)) ?? [], job.id)
            })
        var outcomes = zip(jobs, acks).enumerated().map { index, pair in
            Outcome(jobID: pair.0.id, subject: subjects[index], ack: pair.1)
        }
        let stored = outcomes.indices.filter { (try? outcomes[$0].ack.get())?.duplicate == false }
        let events = stored.map { index in
            let event = QueuedJobEvent(job: jobs[index], at: at)
            return (event.subject, (try? MessageCoding.encode(event)) ?? [], outcomes[index].jobID + "-queued")
        }
        for (index, ack) in zip(stored, publishAll(events)) {
            if case .failure(let error) = ack { outcomes[index].queuedEventError = error }
        }
        return outcomes
    }

    /// Publishes every message with its message id, then waits for all acks.
    private func publishAll(_ messages: [(subject: String, payload: [UInt8], msgID: String)])
        -> [Result<PublishAck, JetStreamError>]
    {
        var futures: [Result<PublishFuture, JetStreamError>] = []
        for message in messages {
            do {
                futures.append(
                    .success(try context.publishAsync(message.subject, payload: message.payload, msgID: message.msgID)))
            } catch {
                futures.append(.failure(error))
            }
        }
        try? context.waitForPendingAcks()
        var absence: [String: JetStreamError] = [:]
        return zip(messages, futures).map { message, future in
            future.flatMap { pending in
                Result { () throws(JetStreamError) -> PublishAck in try pending.wait(timeout: .zero) }
            }.mapError { error in
                // Nobody stored it: a missing stream, or one electing its leader? Asked once per subject.
                guard case .noStreamResponse = error else { return error }
                if let known = absence[message.subject] { return known }
                let found = context.streamAbsence(subject: message.subject)
                absence[message.subject] = found
                return found
            }
        }
    }
}
