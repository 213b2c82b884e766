import SQLite

/// The master's SQLite schema. Times are Unix nanoseconds; full messages are kept as JSON next
/// to the columns the API filters and groups by.
enum MasterSchema {
    static let version = 3

    static let statements = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS nodes (
            node_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            heartbeat TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS jobs (
            job_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,
            node_id TEXT,
            scenario TEXT,
            encoder TEXT,
            capability TEXT,
            progress REAL,
            message TEXT,
            queued_at INTEGER,
            started_at INTEGER,
            finished_at INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, updated_at);
        CREATE INDEX IF NOT EXISTS jobs_by_node ON jobs (node_id, updated_at);
        CREATE TABLE IF NOT EXISTS events (
            stream_sequence INTEGER PRIMARY KEY,
            job_id TEXT NOT NULL,
            node_id TEXT,
            state TEXT NOT NULL,
            at INTEGER NOT NULL,
            attempt INTEGER,
            progress REAL,
            message TEXT
        );
        CREATE INDEX IF NOT EXISTS events_by_job ON events (job_id, at);
        CREATE TABLE IF NOT EXISTS results (
            job_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            status TEXT NOT NULL,
            finished_at INTEGER NOT NULL,
            scenario TEXT,
            encoder TEXT,
            resolution TEXT,
            frames INTEGER,
            fps REAL,
            wall_s REAL,
            cpu_s REAL,
            energy_j REAL,
            j_per_frame REAL,
            energy_source TEXT,
            psnr REAL,
            ssim REAL,
            usd REAL,
            co2_g REAL,
            json TEXT NOT NULL,
            PRIMARY KEY (job_id, attempt)
        );
        CREATE INDEX IF NOT EXISTS results_by_time ON results (finished_at);
        CREATE INDEX IF NOT EXISTS results_by_group ON results (scenario, encoder, node_id);
        CREATE TABLE IF NOT EXISTS node_samples (
            node_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            cpu_percent REAL,
            memory_used_mb INTEGER,
            watts REAL,
            PRIMARY KEY (node_id, at)
        );
        CREATE TABLE IF NOT EXISTS job_samples (
            job_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            frame INTEGER,
            fps REAL,
            speed REAL,
            cpu_percent REAL,
            node_watts REAL,
            progress REAL,
            PRIMARY KEY (job_id, at)
        );
        """

    /// A job has at most one `succeeded` result. A store from before this rule may hold more
    /// (a job re-run after a failover): the earliest attempt's is kept, the others deleted, once,
    /// when the unique index that enforces the rule from then on is made.
    static func keepOneSuccessPerJob(_ database: Database) throws(SQLiteError) {
        let exists = try database.query(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'results_one_success'"
        ).first
        guard exists == nil else { return }
        // Not one transaction: a master stopped in between deletes nothing more the next time.
        try database.query(
            """
            DELETE FROM results WHERE status = 'succeeded' AND EXISTS (SELECT 1 FROM results AS earlier
                WHERE earlier.job_id = results.job_id AND earlier.status = 'succeeded'
                AND earlier.attempt < results.attempt)
            """)
        try database.query("CREATE UNIQUE INDEX results_one_success ON results (job_id) WHERE status = 'succeeded'")
    }
}
