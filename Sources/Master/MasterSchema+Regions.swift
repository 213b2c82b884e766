import SQLite

/// Regions (issue 12 item 11): results keep the region their agent named (`--region`) in a column,
/// so cost and CO2 can be computed from stored energy at the prices in force when they are read.
/// Results stored before have NULL (their agents sent no region), so their cost is unavailable.
extension MasterSchema {
    static func addRegionColumn(_ database: Database) throws(SQLiteError) {
        let existing = try database.query("SELECT name FROM pragma_table_info('results')").compactMap { $0[0].string }
        if !existing.contains("region") { try database.execute("ALTER TABLE results ADD COLUMN region TEXT") }
    }
}
