import Model
import SQLite
import Support

/// The master's durable record (SQLite, WAL): nodes, jobs and their lifecycle, results and
/// downsampled telemetry. Writes are idempotent, so a message delivered twice (the master died
/// after storing it but before acknowledging it) is stored once.
public final class MasterStore: @unchecked Sendable {
    let database: Database

    /// Opens (creating) the store at `path` (`":memory:"` for tests).
    public init(path: String) throws(SQLiteError) {
        database = try Database(path: path)
        try database.execute(MasterSchema.statements)
        try MasterSchema.keepOneSuccessPerJob(database)
        try MasterSchema.addCampaignColumns(database)
        try MasterSchema.addProvenanceColumns(database)
        try MasterSchema.addRegionColumn(database)
        try database.query(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(MasterSchema.version))
    }

    // MARK: writes

    /// Deletes what is older than the retention periods (ns before `now`).
    public func prune(now: Int64, results: Int64, telemetry: Int64) throws(SQLiteError) {
        try database.query("DELETE FROM node_samples WHERE at < ?", now - telemetry)
        try database.query("DELETE FROM job_samples WHERE at < ?", now - telemetry)
        try database.query("DELETE FROM results WHERE finished_at < ?", now - results)
        try database.query("DELETE FROM events WHERE at < ?", now - results)
        try database.query(
            "DELETE FROM jobs WHERE updated_at < ? AND state NOT IN ('queued', 'started', 'progress')",
            now - results)
    }
}

/// The columns of the results table taken from a result, in table order (json excluded).
struct ResultColumns {
    let values: [any SQLiteBindable]

    init(_ result: JobResult) {
        let resolution = result.resolution.map { "\($0.width)x\($0.height)" }
        values = [
            result.jobID, result.attempt, result.nodeID, result.status.rawValue, result.timings.finishedAt,
            result.scenario, result.encoder?.rawValue, resolution, result.ffmpeg?.frames,
            result.ffmpeg?.averageFPS, result.timings.wallSeconds, result.timings.cpuSeconds,
            result.energy?.totalJoules, result.energy?.joulesPerFrame, result.energy?.source.rawValue,
            result.quality?.psnr, result.quality?.ssim, result.cost?.usd, result.cost?.co2Grams,
        ]
    }
}
