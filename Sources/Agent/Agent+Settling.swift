import Client
import Fleet
import Model
import Support

/// Settling job messages so that a job runs once: every ack, nak and term waits for the server's
/// confirmation (tried again through a leader election or a reconnect), and a redelivered job that
/// EVENTS already records as succeeded is acknowledged without running again.
extension Agent {
    /// Settles `message` and waits up to `within` seconds (default `settleWindow`) for the server to
    /// confirm it; false, with an error logged, when it did not (the job may be delivered again).
    @discardableResult
    func settle(
        _ message: JetStreamMessage, _ settlement: JetStreamMessage.Settlement, jobID: String,
        within: Double? = nil
    ) -> Bool {
        let confirmation: JetStreamMessage.Confirmation
        do {
            confirmation = try message.settleConfirmed(settlement, within: .seconds(within ?? config.settleWindow))
        } catch {
            logger.warning("job message settled twice", ["job": jobID, "settlement": settlement.description])
            return false
        }
        switch confirmation {
        case .confirmed(let tries):
            if tries > 1 {
                logger.info(
                    "job settlement confirmed after retries",
                    ["job": jobID, "settlement": settlement.description, "tries": tries])
            }
            return true
        case .unconfirmed(let tries, let lastError):
            logger.error(
                "job settlement not confirmed; the job may be delivered again",
                ["job": jobID, "settlement": settlement.description, "tries": tries, "error": lastError])
            return false
        }
    }

    /// What EVENTS tells of the attempt before a redelivered job's `attempt`.
    enum EarlierAttempt {
        /// It succeeded: only its ack was lost (or is still being confirmed).
        case succeeded(JobEvent)
        /// It failed and handed the job back for a retry.
        case handedBack
        /// Nothing within the redelivery grace: it was lost (a dead agent, an expired ack wait).
        case unknown
    }

    /// Waits up to `redeliveryGrace` for the earlier attempt of a redelivered job to report. A job
    /// can come back while the agent that ran it is still confirming its ack through a leader
    /// election; that agent stores the `succeeded` event right after the confirmation, so waiting
    /// for it keeps the job from running twice. A lookup that fails counts as "not yet".
    func earlierAttempt(of jobID: String, attempt: Int, queuedAt: Int64?) -> EarlierAttempt {
        let deadline = Clock.monotonicNanoseconds() + UInt64(max(0, min(config.redeliveryGrace, 600)) * 1e9)
        while true {
            if let success = earlierSuccess(of: jobID, queuedAt: queuedAt) { return .succeeded(success) }
            if earlierAttemptHandedBack(jobID, attempt: attempt, queuedAt: queuedAt) { return .handedBack }
            if Clock.monotonicNanoseconds() >= deadline { return .unknown }
            Clock.sleep(seconds: 0.25)
        }
    }

    /// Whether the attempt just before `attempt` stored a `failed` event announcing a retry.
    private func earlierAttemptHandedBack(_ jobID: String, attempt: Int, queuedAt: Int64?) -> Bool {
        let subject = Subjects.event(jobID: jobID, state: .failed)
        guard let stored = try? jetStream.lastMessage(stream: FleetTopology.eventsStream, subject: subject),
            let event = try? MessageCoding.decode(JobEvent.self, from: stored.payload)
        else { return false }
        return event.jobID == jobID && event.attempt == attempt - 1 && event.isRetryAnnouncement
            && event.at >= (queuedAt ?? 0)
    }

    /// The stored `succeeded` event of this queued instance of the job (one at or after `queuedAt`),
    /// when EVENTS has one: an earlier delivery ran it to success but its ack was lost.
    func earlierSuccess(of jobID: String, queuedAt: Int64?) -> JobEvent? {
        let subject = Subjects.event(jobID: jobID, state: .succeeded)
        guard let stored = try? jetStream.lastMessage(stream: FleetTopology.eventsStream, subject: subject),
            let event = try? MessageCoding.decode(JobEvent.self, from: stored.payload),
            event.jobID == jobID, event.at >= (queuedAt ?? 0)
        else { return nil }
        return event
    }
}
