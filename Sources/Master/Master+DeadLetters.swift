import Client
import Fleet
import Model
import Support

/// Jobs JetStream gave up on. Its advisories (`DeadLetter.subjects`) are core messages: the
/// client's reader thread only parses and queues them, and the `dead-letters` thread looks each
/// job message up in JOBS by its sequence (a message out of deliveries stays stored in the work
/// queue until acknowledged or terminated) and marks the job `failed` with the reason.
///
/// Advisories published while no master runs are lost, unless a stream captures them
/// (`DeadLetter.streamName`, declared by `ffrtmp setup`): when it exists at start the master
/// follows it through a durable consumer instead, so each advisory is settled and counted once.
extension Master {
    func take(advisory message: Message) {
        guard let deadLetter = DeadLetter(subject: message.subject, payload: message.payload) else {
            fleet.count { $0.invalid += 1 }
            return
        }
        let queued = deadLetters.withLock { queue in
            guard queue.count < Self.deadLetterQueueLimit else { return false }
            queue.append(deadLetter)
            return true
        }
        if !queued { refuse(MessageRefusal(kind: "advisory", reason: "queue_full"), subject: message.subject) }
    }

    /// Advisories waiting at most; more are counted and dropped (a flood, not a fleet).
    static let deadLetterQueueLimit = 10_000

    /// The `dead-letters` thread: settles what the reader queued, until the master stops.
    func followDeadLetters(_ connection: NATSConnection) {
        while isRunning {
            let waiting = deadLetters.withLock { queue in
                defer { queue.removeAll() }
                return queue
            }
            if waiting.isEmpty {
                Clock.sleep(seconds: 0.1)
                continue
            }
            for deadLetter in waiting { _ = settle(deadLetter, connection: connection) }
        }
    }

    /// An advisory from the capturing stream's durable feed.
    func take(storedAdvisory message: JetStreamMessage, connection: NATSConnection) -> DurableFeed.Disposition {
        guard let deadLetter = DeadLetter(subject: message.subject, payload: message.payload) else {
            fleet.count { $0.invalid += 1 }
            return .invalid("not a JOBS max-deliveries or terminated advisory")
        }
        return settle(deadLetter, connection: connection)
    }

    private func settle(_ deadLetter: DeadLetter, connection: NATSConnection) -> DurableFeed.Disposition {
        let answer: Message
        do {
            answer = try connection.request(
                "$JS.API.STREAM.MSG.GET." + FleetTopology.jobsStream,
                payload: "{\"seq\":\(deadLetter.streamSequence)}", timeout: .seconds(2))
        } catch {
            logger.warning(
                "could not read a job JetStream gave up on",
                ["stream_seq": deadLetter.streamSequence, "error": "\(error)"])
            refuse(MessageRefusal(kind: "advisory", reason: "unknown_job"), subject: "$JS.EVENT.ADVISORY")
            return .failed("\(error)")
        }
        guard let jobID = DeadLetter.jobID(inStoredMessage: answer.payload) else {
            // Gone already (a terminated message leaves a work queue) or not a job: nothing to mark.
            refuse(MessageRefusal(kind: "advisory", reason: "unknown_job"), subject: "$JS.EVENT.ADVISORY")
            return .refused("unknown job")
        }
        do {
            try store.record(deadLetter, jobID: jobID, at: Timestamp.nowNanoseconds())
        } catch {
            fleet.count { $0.storeFailures += 1 }
            logger.error("could not store a dead letter", ["job": jobID, "error": "\(error)"])
            return .failed("\(error)")
        }
        fleet.count { $0.deadLetters += 1 }
        logger.warning("job given up on", ["job": jobID, "reason": deadLetter.message])
        var update = JSONWriter()
        update.add("job_id", jobID)
        update.add("state", "failed")
        update.add("attempt", deadLetter.deliveries)
        live.publish(event: "job", data: update.text)
        return .stored
    }
}
