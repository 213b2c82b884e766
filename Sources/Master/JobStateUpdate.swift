import Model
import SQLite

/// How one event or result moves a job's row. Later attempts win; within an attempt a step
/// never goes backwards (a late `progress` does not undo `succeeded`), and a result is final.
/// A `failed` event with `will_retry` shows as `retrying`. A job that succeeded
/// stays succeeded: a re-run after a failover shows in its events, not in its state.
struct JobStateUpdate {
    let jobID: String
    let state: String
    let attempt: Int
    let rank: Int
    let nodeID: String?
    var progress: Double?
    var message: String?
    let at: Int64
    var scenario: String?
    var encoder: String?
    var capability: String?
    var startedAt: Int64?
    var finishedAt: Int64?
    var queuedAt: Int64?

    init(event: JobEvent) {
        jobID = event.jobID
        attempt = event.attempt ?? 0
        nodeID = event.nodeID
        progress = event.progress
        message = event.message
        at = event.at
        switch event.state {
        case .queued: (state, rank) = ("queued", 0)
        case .started: (state, rank) = ("started", 1)
        case .progress: (state, rank) = ("progress", 2)
        case .failed where event.isRetryAnnouncement: (state, rank) = ("retrying", 3)
        default: (state, rank) = (event.state.rawValue, 3)
        }
        if event.state == .queued { queuedAt = event.at }
        if event.state == .started { startedAt = event.at }
        if rank == 3 && state != "retrying" { finishedAt = event.at }
        if event.state == .succeeded { progress = 1 }
    }

    init(result: JobResult) {
        jobID = result.jobID
        state = JobState(result.status).rawValue
        attempt = result.attempt
        rank = 4
        nodeID = result.nodeID
        progress = result.status == .succeeded ? 1 : nil
        message = result.error
        at = result.timings.finishedAt
        scenario = result.scenario
        encoder = result.encoder?.rawValue
        capability = result.encoder?.capability.rawValue
        startedAt = result.timings.startedAt
        finishedAt = result.timings.finishedAt
        queuedAt = result.timings.queuedAt
    }

    /// Applies the update. `replacing`: a result just deleted (revoked or replaced); when the row
    /// shows that attempt from that node, this update overrides it whatever the ranks.
    func apply(in transaction: Transaction, replacing: (attempt: Int, node: String)? = nil) throws(SQLiteError) {
        let current = try transaction.query("SELECT state, attempt, node_id FROM jobs WHERE job_id = ?", jobID).first
        guard let current else {
            try transaction.query(
                """
                INSERT INTO jobs (job_id, state, attempt, node_id, scenario, encoder, capability, progress, message,
                    queued_at, started_at, finished_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, jobID, state, attempt, nodeID, scenario, encoder, capability, progress, message, queuedAt,
                startedAt, finishedAt, at)
            return
        }
        let currentAttempt = current["attempt"].int ?? 0
        let currentRank = Self.rank(of: current["state"].string ?? "")
        // A queued event says nothing about attempts: it only fills the queue time.
        let forward = attempt > currentAttempt || (attempt == currentAttempt && rank >= currentRank)
        let overrides = replacing.map { $0.attempt == currentAttempt && $0.node == current["node_id"].string } ?? false
        // Once succeeded, only that attempt's own result may still fill the row in.
        let settled = current["state"].string == "succeeded" && attempt != currentAttempt
        let supersedes = overrides || (rank > 0 && !settled && forward)
        if supersedes {
            try transaction.query(
                """
                UPDATE jobs SET state = ?, attempt = ?, node_id = coalesce(?, node_id), progress = coalesce(?, progress),
                    message = ?, scenario = coalesce(?, scenario), encoder = coalesce(?, encoder),
                    capability = coalesce(?, capability), queued_at = coalesce(queued_at, ?),
                    started_at = coalesce(?, started_at), finished_at = ?, updated_at = ?
                WHERE job_id = ?
                """, state, attempt, nodeID, overrides ? progress ?? 0 : progress, message, scenario, encoder,
                capability, queuedAt, startedAt, finishedAt, at, jobID)
        } else {
            try transaction.query(
                """
                UPDATE jobs SET queued_at = coalesce(queued_at, ?), scenario = coalesce(scenario, ?),
                    encoder = coalesce(encoder, ?), capability = coalesce(capability, ?)
                WHERE job_id = ?
                """, queuedAt, scenario, encoder, capability, jobID)
        }
    }

    /// A stored state's rank; results (terminal statuses written by `init(result:)`) are not
    /// told apart from terminal events here, so a terminal event never overrides a result of
    /// the same attempt and a result always overrides an event (rank 4 ≥ 3).
    static func rank(of state: String) -> Int {
        switch state {
        case "queued": 0
        case "started": 1
        case "progress": 2
        default: 3
        }
    }
}
