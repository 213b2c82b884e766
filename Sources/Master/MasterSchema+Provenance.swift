import Model
import SQLite

/// Schema version 3: provenance and net energy. Results keep their `hardware_id` in a column (the
/// rest of the provenance stays in their JSON), so summaries group by it, and their `e_net_j`, so
/// summaries can rank by net energy. Results stored before have no net figure (NULL). A store from before gets the column
/// added; its results keep NULL (their agents sent no id), except any stored by an older master
/// into a newer store, whose id is taken from their own JSON, once.
extension MasterSchema {
    static func addProvenanceColumns(_ database: Database) throws(SQLiteError) {
        let existing = try database.query("SELECT name FROM pragma_table_info('results')").compactMap { $0[0].string }
        if !existing.contains("hardware_id") { try database.execute("ALTER TABLE results ADD COLUMN hardware_id TEXT") }
        if !existing.contains("e_net_j") { try database.execute("ALTER TABLE results ADD COLUMN e_net_j REAL") }
        let missing = try database.query(
            "SELECT job_id, attempt, json FROM results WHERE hardware_id IS NULL AND json LIKE '%\"hardware_id\"%'")
        for row in missing {
            guard let text = row[2].string,
                let result = try? MessageCoding.decode(JobResult.self, from: Array(text.utf8)),
                let id = result.provenance?.hardwareID
            else { continue }
            try database.query(
                "UPDATE results SET hardware_id = ? WHERE job_id = ? AND attempt = ?", id, row[0].string ?? "",
                row[1].int ?? 0)
        }
    }
}
