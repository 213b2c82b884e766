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
        /// Which energy the energy figures (J, J/frame, W) are: gross, or net of the idle baseline.
        public var energy: EnergyBasis
        public init(
            scenario: String? = nil, encoder: String? = nil, node: String? = nil, run: String? = nil,
            energy: EnergyBasis = .gross
        ) {
            self.scenario = scenario
            self.encoder = encoder
            self.node = node
            self.run = run
            self.energy = energy
        }
    }

    /// Succeeded results grouped by configuration × hardware (node and `hardware_id`): the one query
    /// behind every summary.
    /// SQLite aggregates (count, sum and sum of squares per figure), so the cost does not grow with
    /// the results read into memory.
    public func summary(_ filter: SummaryFilter = SummaryFilter()) throws(SQLiteError) -> CampaignSummary {
        let joules = filter.energy == .net ? "e_net_j" : "energy_j"
        let perFrame = filter.energy == .net ? "CASE WHEN frames > 0 THEN e_net_j / frames END" : "j_per_frame"
        let figures = [
            "fps", perFrame, "CASE WHEN wall_s > 0 THEN \(joules) / wall_s END", "psnr", "ssim", joules, "wall_s",
            // VMAF has no column of its own: read from the result's JSON (results before VMAF have none).
            "json_extract(json, '$.quality.vmaf')",
        ]
        let moments = figures.map { "count(\($0)), total(\($0)), total((\($0)) * (\($0)))" }.joined(separator: ", ")
        let rows = try database.query(
            """
            SELECT coalesce(config_key, ''), coalesce(min(config), '{}'), node_id, count(*), min(scenario),
                min(encoder), sum(usd), sum(co2_g), group_concat(DISTINCT energy_source), hardware_id, \(moments)
            FROM results WHERE status = 'succeeded'
                AND (?1 IS NULL OR scenario = ?1) AND (?2 IS NULL OR encoder = ?2) AND (?3 IS NULL OR node_id = ?3)
                AND (?4 IS NULL OR job_id IN (SELECT job_id FROM jobs WHERE run_id = ?4))
            GROUP BY config_key, node_id, hardware_id
            """, filter.scenario, filter.encoder, filter.node, filter.run)
        let regionEnergy = try regionEnergy(filter)
        var hardware: [String: Hardware] = [:]
        for node in Set(rows.compactMap { $0[2].string }) {
            guard
                let text = try database.query("SELECT heartbeat FROM nodes WHERE node_id = ?", node).first?[0].string,
                let heartbeat = try? MessageCoding.decode(Heartbeat.self, from: Array(text.utf8))
            else { continue }
            hardware[node] = heartbeat.hardware
        }
        return CampaignSummary(
            rows.map { row in
                let node = row[2].string ?? ""
                var summary = CampaignSummary.Row(
                    configurationKey: row[0].string ?? "", configuration: row[1].string ?? "{}",
                    hardware: HardwareKey(nodeID: node, hardware: hardware[node], hardwareID: row[9].string),
                    count: row[3].int ?? 0)
                summary.scenario = row[4].string
                summary.encoder = row[5].string
                summary.usd = row[6].double
                summary.co2Grams = row[7].double
                summary.energySources = row[8].string.map {
                    Set($0.split(separator: ",").map(String.init)).sorted().joined(separator: ",")
                }
                func statistics(_ index: Int) -> SampleStatistics? {
                    let column = 10 + 3 * index
                    return SampleStatistics(
                        count: row[column].int ?? 0, sum: row[column + 1].double ?? 0,
                        sumOfSquares: row[column + 2].double ?? 0)
                }
                summary.fps = statistics(0)
                summary.joulesPerFrame = statistics(1)
                summary.watts = statistics(2)
                summary.psnr = statistics(3)
                summary.ssim = statistics(4)
                summary.energyJoules = statistics(5)
                summary.wallSeconds = statistics(6)
                summary.vmaf = statistics(7)
                summary.energyBasis = filter.energy
                summary.regionEnergy = regionEnergy[Self.groupKey(row[0].string, node, row[9].string)] ?? []
                return summary
            })
    }

    /// Each summary group's gross energy per region (cost is paid on all the energy used, whichever
    /// basis the summary compares); a group with a result lacking energy has nil joules for its region.
    private func regionEnergy(_ filter: SummaryFilter) throws(SQLiteError)
        -> [String: [(region: String?, joules: Double?)]]
    {
        let rows = try database.query(
            """
            SELECT coalesce(config_key, ''), node_id, hardware_id, region,
                CASE WHEN count(energy_j) = count(*) THEN total(energy_j) END
            FROM results WHERE status = 'succeeded'
                AND (?1 IS NULL OR scenario = ?1) AND (?2 IS NULL OR encoder = ?2) AND (?3 IS NULL OR node_id = ?3)
                AND (?4 IS NULL OR job_id IN (SELECT job_id FROM jobs WHERE run_id = ?4))
            GROUP BY config_key, node_id, hardware_id, region
            """, filter.scenario, filter.encoder, filter.node, filter.run)
        var groups: [String: [(region: String?, joules: Double?)]] = [:]
        for row in rows {
            groups[Self.groupKey(row[0].string, row[1].string ?? "", row[2].string), default: []].append(
                (row[3].string, row[4].double))
        }
        return groups
    }

    private static func groupKey(_ configuration: String?, _ node: String, _ hardwareID: String?) -> String {
        [configuration ?? "", node, hardwareID ?? "-"].joined(separator: "\u{1}")
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

    /// The jobs of a run, in the order they were queued. `result_stored` (0 or 1): whether the
    /// result of the row's attempt is stored. A job's state also follows its events, which travel
    /// apart from its result, so a job can show as finished a moment before its result is here.
    public func jobs(ofRun id: String) throws(SQLiteError) -> [Row] {
        try database.query(
            """
            SELECT job_id, state, attempt, node_id, scenario, encoder, queued_at, started_at, finished_at,
                EXISTS (SELECT 1 FROM results WHERE results.job_id = jobs.job_id AND results.attempt = jobs.attempt)
                    AS result_stored
            FROM jobs WHERE run_id = ? ORDER BY queued_at, job_id
            """, id)
    }
}
