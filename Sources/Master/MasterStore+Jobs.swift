import Model
import SQLite

/// Recording lifecycle events and results, and the rules that keep a job's record honest: one
/// `succeeded` result per job, and a result for an attempt only from the node that started it.
extension MasterStore {
    /// What `record(_:sequence:)` did with an event.
    public enum EventRecording: Sendable, Equatable {
        case stored
        /// A `started` event named another node than a result already stored for that attempt
        /// (accepted unverified, before the event arrived): that result was deleted.
        case revokedResult(node: String)
    }

    /// What `record(_:json:verified:)` did with a result.
    public enum ResultRecording: Sendable, Equatable {
        /// Stored (or stored already: a redelivery changes nothing).
        case stored
        /// Stored in place of an unverified `succeeded` result of another attempt.
        case replacedUnverified(attempt: Int)
        /// A `succeeded` result for a job that has one from another attempt (a re-run after a
        /// failover): not stored, so the job counts once; its events still show the attempt.
        case duplicateSuccess(keptAttempt: Int)
    }

    /// A lifecycle event at `sequence` in the EVENTS stream, and the job's state it implies.
    /// `queued`: the submitter's extras (run and job) when the event carried them.
    @discardableResult
    public func record(_ event: JobEvent, sequence: UInt64, queued: QueuedJobEvent? = nil) throws -> EventRecording {
        try record(event, key: Int64(clamping: sequence), queued: queued)
    }

    /// A job JetStream gave up on (`DeadLetter`): a `failed` event in its history, keyed by the
    /// advisory (negative keys never meet an EVENTS sequence), and the job's state. A result of the
    /// same attempt still wins over it, as over any event.
    func record(_ deadLetter: DeadLetter, jobID: String, at: Int64) throws {
        let event = JobEvent(
            jobID: jobID, state: .failed, at: at, attempt: deadLetter.deliveries > 0 ? deadLetter.deliveries : nil,
            message: deadLetter.message)
        try record(event, key: deadLetter.eventKey)
    }

    private func record(_ event: JobEvent, key: Int64, queued: QueuedJobEvent? = nil) throws -> EventRecording {
        try database.transaction { transaction in
            try transaction.query(
                """
                INSERT OR IGNORE INTO events (stream_sequence, job_id, node_id, state, at, attempt, progress, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, key, event.jobID, event.nodeID, event.state.rawValue, event.at, event.attempt,
                event.progress, event.message)
            var revoked: (attempt: Int, node: String)?
            if event.state == .started, let node = event.nodeID, let attempt = event.attempt,
                let other = try transaction.query(
                    "SELECT node_id FROM results WHERE job_id = ? AND attempt = ? AND node_id != ?", event.jobID,
                    attempt, node
                ).first?[0].string
            {
                try transaction.query("DELETE FROM results WHERE job_id = ? AND attempt = ?", event.jobID, attempt)
                revoked = (attempt, other)
            }
            try JobStateUpdate(event: event).apply(in: transaction, replacing: revoked)
            if let queued, queued.jobID == event.jobID { try Self.remember(queued, in: transaction) }
            return revoked.map { .revokedResult(node: $0.node) } ?? .stored
        }
    }

    /// A job's result; its status is final for that attempt. A job keeps at most one `succeeded`
    /// result: the first stored, unless it was unverified (`ResultAdmission`) and this one is not.
    @discardableResult
    public func record(_ result: JobResult, json: String, verified: Bool = true) throws -> ResultRecording {
        try database.transaction { transaction in
            var replaced: (attempt: Int, node: String)?
            if result.status == .succeeded,
                let kept = try transaction.query(
                    "SELECT attempt, node_id FROM results WHERE job_id = ? AND status = 'succeeded' AND attempt != ?",
                    result.jobID, result.attempt
                ).first
            {
                let (attempt, node) = (kept[0].int ?? 0, kept[1].string ?? "")
                let keptIsVerified = try Self.started(result.jobID, attempt: attempt, by: node, in: transaction)
                guard verified && !keptIsVerified else { return .duplicateSuccess(keptAttempt: attempt) }
                try transaction.query("DELETE FROM results WHERE job_id = ? AND attempt = ?", result.jobID, attempt)
                replaced = (attempt, node)
            }
            let job = try transaction.query("SELECT job FROM jobs WHERE job_id = ?", result.jobID).first?[0].string
            let configuration = ConfigurationJSON.configuration(of: result, job: job)
            try transaction.query(
                """
                INSERT OR IGNORE INTO results (job_id, attempt, node_id, status, finished_at, scenario, encoder,
                    resolution, frames, fps, wall_s, cpu_s, energy_j, j_per_frame, energy_source, psnr, ssim, usd,
                    co2_g, json, config_key, config, hardware_id, e_net_j, region)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                values: ResultColumns(result).values + [
                    json, configuration.key, ConfigurationJSON.text(configuration), result.provenance?.hardwareID,
                    result.energy?.netJoules, RegionName.checked(result.region),
                ])
            try JobStateUpdate(result: result).apply(in: transaction, replacing: replaced)
            return replaced.map { .replacedUnverified(attempt: $0.attempt) } ?? .stored
        }
    }

    /// Keeps the job's run and the job as submitted (the first `queued` event's), and gives results
    /// stored before the event (delivered out of order) the job's configuration. A run id that is
    /// not an `Identifier`, or a job whose id is not the event's, is not kept.
    private static func remember(_ queued: QueuedJobEvent, in transaction: Transaction) throws {
        let run = queued.runID.flatMap { Identifier.isValid($0) ? $0 : nil }
        let job = try queued.job.flatMap { $0.id == queued.jobID ? $0 : nil }.map {
            String(decoding: try MessageCoding.encode($0), as: UTF8.self)
        }
        try transaction.query(
            "UPDATE jobs SET run_id = coalesce(run_id, ?), job = coalesce(job, ?) WHERE job_id = ?", run, job,
            queued.jobID)
        for row in try transaction.query("SELECT attempt, json FROM results WHERE job_id = ?", queued.jobID) {
            guard let text = row[1].string,
                let result = try? MessageCoding.decode(JobResult.self, from: Array(text.utf8))
            else { continue }
            let configuration = ConfigurationJSON.configuration(of: result, job: job)
            try transaction.query(
                "UPDATE results SET config_key = ?, config = ? WHERE job_id = ? AND attempt = ?", configuration.key,
                ConfigurationJSON.text(configuration), queued.jobID, row[0].int ?? 0)
        }
    }

    /// Whether `node` announced `attempt` of the job with a `started` event.
    private static func started(_ jobID: String, attempt: Int, by node: String, in transaction: Transaction)
        throws(SQLiteError) -> Bool
    {
        try !transaction.query(
            "SELECT 1 FROM events WHERE job_id = ? AND attempt = ? AND state = 'started' AND node_id = ? LIMIT 1",
            jobID, attempt, node
        ).isEmpty
    }
}
