import CSQLite

/// A failed SQLite call: SQLite's result code and message, and the statement when there was one.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The disk or the database file is full (`SQLITE_FULL`).
    public var isDiskFull: Bool { code & 0xFF == SQLITE_FULL }

    public var description: String {
        let name = String(cString: sqlite3_errstr(code))
        return "sqlite: \(message) (\(name), code \(code))" + (sql.map { " in: \($0.prefix(200))" } ?? "")
    }
}
