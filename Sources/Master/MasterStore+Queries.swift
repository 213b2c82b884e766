import SQLite

/// Reads for the API. Every filter is a bound parameter; limits are clamped by the caller.
extension MasterStore {
    /// Filters of `/api/jobs`.
    public struct JobFilter: Sendable, Equatable {
        public var state: String?
        public var node: String?
        public var limit = 100
        public var offset = 0
        public init() {}
    }

    /// Filters of `/api/results`.
    public struct ResultFilter: Sendable, Equatable {
        public var scenario: String?
        public var encoder: String?
        public var node: String?
        public var status: String?
        /// Only results of this run's jobs.
        public var run: String?
        /// Only results finished at or after this Unix ns.
        public var since: Int64?
        public var limit = 100
        public var offset = 0
        public init() {}
    }

    public func jobs(_ filter: JobFilter) throws(SQLiteError) -> [Row] {
        try database.query(
            """
            SELECT job_id, state, attempt, node_id, scenario, encoder, capability, progress, message, queued_at,
                started_at, finished_at, updated_at, json_extract(job, '$.node') AS target_node
            FROM jobs WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR node_id = ?2)
            ORDER BY updated_at DESC, job_id LIMIT ?3 OFFSET ?4
            """, filter.state, filter.node, filter.limit, filter.offset)
    }

    public func job(_ id: String) throws(SQLiteError) -> Row? {
        try database.query(
            """
            SELECT job_id, state, attempt, node_id, scenario, encoder, capability, progress, message, queued_at,
                started_at, finished_at, updated_at, json_extract(job, '$.node') AS target_node
            FROM jobs WHERE job_id = ?
            """, id
        ).first
    }

    public func events(ofJob id: String) throws(SQLiteError) -> [Row] {
        try database.query(
            "SELECT state, at, node_id, attempt, progress, message FROM events WHERE job_id = ? ORDER BY at, stream_sequence",
            id)
    }

    /// The node whose `started` event for `attempt` of the job is stored (the latest, should there
    /// be several), or nil.
    public func startedNode(ofJob id: String, attempt: Int) throws(SQLiteError) -> String? {
        try database.query(
            """
            SELECT node_id FROM events WHERE job_id = ? AND attempt = ? AND state = 'started'
            ORDER BY stream_sequence DESC LIMIT 1
            """, id, attempt
        ).first?[0].string
    }

    /// The job's telemetry series, oldest first, at most `limit` points (the latest ones).
    public func samples(ofJob id: String, limit: Int = 3600) throws(SQLiteError) -> [Row] {
        try database.query(
            """
            SELECT * FROM (SELECT at, node_id, frame, fps, speed, cpu_percent, node_watts, progress FROM job_samples
                WHERE job_id = ? ORDER BY at DESC LIMIT ?) ORDER BY at
            """, id, limit)
    }

    /// A stored result's full JSON, with what pricing it needs: its region and measured energy.
    public struct StoredResult: Sendable, Equatable {
        public var json: String
        public var region: String?
        public var joules: Double?
    }

    /// Each stored result's full JSON, newest first.
    public func results(_ filter: ResultFilter) throws(SQLiteError) -> [String] {
        try storedResults(filter).map(\.json)
    }

    /// Each stored result with its region and energy, newest first.
    public func storedResults(_ filter: ResultFilter) throws(SQLiteError) -> [StoredResult] {
        try database.query(
            """
            SELECT json, region, energy_j FROM results
            WHERE (?1 IS NULL OR scenario = ?1) AND (?2 IS NULL OR encoder = ?2) AND (?3 IS NULL OR node_id = ?3)
                AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR finished_at >= ?5)
                AND (?8 IS NULL OR job_id IN (SELECT job_id FROM jobs WHERE run_id = ?8))
            ORDER BY finished_at DESC, job_id LIMIT ?6 OFFSET ?7
            """, filter.scenario, filter.encoder, filter.node, filter.status, filter.since, filter.limit, filter.offset,
            filter.run
        ).compactMap(Self.storedResult)
    }

    public func results(ofJob id: String) throws(SQLiteError) -> [String] {
        try storedResults(ofJob: id).map(\.json)
    }

    /// The job's stored results with their regions and energy, first attempt first.
    public func storedResults(ofJob id: String) throws(SQLiteError) -> [StoredResult] {
        try database.query("SELECT json, region, energy_j FROM results WHERE job_id = ? ORDER BY attempt", id)
            .compactMap(Self.storedResult)
    }

    private static func storedResult(_ row: Row) -> StoredResult? {
        guard let json = row[0].string else { return nil }
        return StoredResult(json: json, region: row[1].string, joules: row[2].double)
    }

    /// Jobs per state.
    public func jobCounts() throws(SQLiteError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.query("SELECT state, count(*) FROM jobs GROUP BY state") {
            counts[row[0].string ?? ""] = row[1].int ?? 0
        }
        return counts
    }

    /// Results per status, and their energy in joules.
    public func resultTotals() throws(SQLiteError) -> [(status: String, count: Int, joules: Double)] {
        try database.query("SELECT status, count(*), coalesce(sum(energy_j), 0) FROM results GROUP BY status").map {
            ($0[0].string ?? "", $0[1].int ?? 0, $0[2].double ?? 0)
        }
    }

    /// Every node ever seen, with its last heartbeat JSON.
    public func knownNodes() throws(SQLiteError) -> [Row] {
        try database.query("SELECT node_id, name, first_seen, last_seen, heartbeat FROM nodes ORDER BY node_id")
    }
}
