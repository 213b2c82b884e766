import Model
import SQLite

/// Schema version 2: benchmark campaigns. Jobs keep their run and the job as submitted (from the
/// `queued` event); results keep their configuration's key and fields, so summaries compare like
/// with like. A store from version 1 gets the columns added, and its results' configurations
/// rebuilt from their own messages, once.
extension MasterSchema {
    static let campaignColumns: [(table: String, column: String)] = [
        ("jobs", "run_id"), ("jobs", "job"), ("results", "config_key"), ("results", "config"),
    ]

    static func addCampaignColumns(_ database: Database) throws(SQLiteError) {
        for (table, column) in campaignColumns {
            let existing = try database.query("SELECT name FROM pragma_table_info(?)", table).compactMap {
                $0[0].string
            }
            if !existing.contains(column) { try database.execute("ALTER TABLE \(table) ADD COLUMN \(column) TEXT") }
        }
        try database.execute(
            """
            CREATE INDEX IF NOT EXISTS jobs_by_run ON jobs (run_id) WHERE run_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS results_by_config ON results (config_key);
            """)
        let missing = try database.query("SELECT job_id, attempt, json FROM results WHERE config_key IS NULL")
        for row in missing {
            guard let text = row[2].string,
                let result = try? MessageCoding.decode(JobResult.self, from: Array(text.utf8))
            else { continue }
            let configuration = BenchmarkConfiguration(result: result)
            try database.query(
                "UPDATE results SET config_key = ?, config = ? WHERE job_id = ? AND attempt = ?", configuration.key,
                ConfigurationJSON.text(configuration), row[0].string ?? "", row[1].int ?? 0)
        }
    }
}
