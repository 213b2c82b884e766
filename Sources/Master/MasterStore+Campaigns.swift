import Model
import SQLite

/// Reads for benchmark campaigns: the like-with-like summary and runs (`ffrtmp submit --name`).
extension MasterStore {
    /// Filters of `/api/summary` and `/api/runs/{id}`; each narrows the succeeded results summarized.
    public struct SummaryFilter: Sendable, Equatable {
        public var scenario: String?
        public var encoder: String?
        public var node: String?
        public var run: String?
        public init(scenario: String? = nil, encoder: String? = nil, node: String? = nil, run: String? = nil) {
            self.scenario = scenario
            self.encoder = encoder
            self.node = node
            self.run = run
        }
    }

    /// Succeeded results grouped by configuration × hardware: the one query behind every summary.
    public func summary(_ filter: SummaryFilter = SummaryFilter()) throws(SQLiteError) -> CampaignSummary {
        let rows = try database.query(
            """
            SELECT coalesce(config_key, ''), coalesce(config, '{}'), node_id, scenario, encoder, fps, j_per_frame,
                energy_j, wall_s, psnr, ssim, usd, co2_g, energy_source
            FROM results WHERE status = 'succeeded'
                AND (?1 IS NULL OR scenario = ?1) AND (?2 IS NULL OR encoder = ?2) AND (?3 IS NULL OR node_id = ?3)
                AND (?4 IS NULL OR job_id IN (SELECT job_id FROM jobs WHERE run_id = ?4))
            ORDER BY finished_at, job_id
            """, filter.scenario, filter.encoder, filter.node, filter.run)
        let measurements = rows.map { row in
            var measurement = CampaignSummary.Measurement(
                configurationKey: row[0].string ?? "", configuration: row[1].string ?? "{}",
                nodeID: row[2].string ?? "")
            measurement.scenario = row[3].string
            measurement.encoder = row[4].string
            measurement.fps = row[5].double
            measurement.joulesPerFrame = row[6].double
            measurement.energyJoules = row[7].double
            measurement.wallSeconds = row[8].double
            measurement.psnr = row[9].double
            measurement.ssim = row[10].double
            measurement.usd = row[11].double
            measurement.co2Grams = row[12].double
            measurement.energySource = row[13].string
            return measurement
        }
        var hardware: [String: Hardware] = [:]
        for node in Set(measurements.map(\.nodeID)) {
            guard
                let text = try database.query("SELECT heartbeat FROM nodes WHERE node_id = ?", node).first?[0].string,
                let heartbeat = try? MessageCoding.decode(Heartbeat.self, from: Array(text.utf8))
            else { continue }
            hardware[node] = heartbeat.hardware
        }
        return CampaignSummary(measurements, hardware: { hardware[$0] })
    }

    /// Runs, newest first: jobs, and how many succeeded, failed or are still pending; when the first
    /// was queued and, once none is pending, when the last finished.
    public func runs(_ id: String? = nil) throws(SQLiteError) -> [Row] {
        try database.query(
            """
            SELECT run_id, count(*) AS jobs, sum(state = 'succeeded') AS succeeded,
                sum(state IN ('failed', 'timeout', 'cancelled', 'rejected')) AS failed,
                sum(state IN ('queued', 'started', 'progress', 'retrying')) AS pending,
                min(queued_at) AS started_at,
                CASE WHEN sum(state IN ('queued', 'started', 'progress', 'retrying')) = 0 THEN max(finished_at) END
                    AS finished_at
            FROM jobs WHERE run_id IS NOT NULL AND (?1 IS NULL OR run_id = ?1)
            GROUP BY run_id ORDER BY min(coalesce(queued_at, updated_at)) DESC, run_id
            """, id)
    }

    /// The jobs of a run, in the order they were queued.
    public func jobs(ofRun id: String) throws(SQLiteError) -> [Row] {
        try database.query(
            """
            SELECT job_id, state, attempt, node_id, scenario, encoder, queued_at, started_at, finished_at
            FROM jobs WHERE run_id = ? ORDER BY queued_at, job_id
            """, id)
    }
}
