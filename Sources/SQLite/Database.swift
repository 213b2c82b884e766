import CSQLite
import Synchronization

/// One SQLite database connection. Every call takes the connection's lock, so it may be shared
/// between threads; prepared statements are cached by their SQL text.
public final class Database: @unchecked Sendable {
    let handle: OpaquePointer
    public let path: String
    let lock = Mutex<Void>(())
    private var statements: [String: Statement] = [:]

    /// Opens (creating when missing) the database at `path`; `":memory:"` for a private one.
    /// File databases use write-ahead logging with `synchronous=NORMAL`: a crash loses at most
    /// the last transactions, never corrupts the file.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(connection)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        if path != ":memory:" {
            try execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        }
        try execute("PRAGMA foreign_keys=ON;")
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        try lock.withLock { _ throws(SQLiteError) in
            var message: UnsafeMutablePointer<CChar>?
            let code = sqlite3_exec(handle, sql, nil, nil, &message)
            defer { sqlite3_free(message) }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, message: message.map { String(cString: $0) } ?? "failed", sql: sql)
            }
        }
    }

    /// Runs one statement with parameters (`?`), returning its rows (none for writes).
    @discardableResult
    public func query(_ sql: String, _ values: any SQLiteBindable...) throws(SQLiteError) -> [Row] {
        try query(sql, values: values)
    }

    /// `query` with the parameters as an array.
    @discardableResult
    public func query(_ sql: String, values: [any SQLiteBindable]) throws(SQLiteError) -> [Row] {
        try lock.withLock { _ throws(SQLiteError) in try unlockedQuery(sql, values) }
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`), committed when it returns and rolled
    /// back when it throws. `body` gets a handle whose calls do not take the lock again.
    public func transaction<Result>(_ body: (Transaction) throws -> Result) throws -> Result {
        try lock.withLock { _ in
            try unlockedQuery("BEGIN IMMEDIATE", [])
            do {
                let result = try body(Transaction(database: self))
                try unlockedQuery("COMMIT", [])
                return result
            } catch {
                _ = try? unlockedQuery("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Rows changed by the last write.
    public var changes: Int { lock.withLock { _ in Int(sqlite3_changes(handle)) } }

    @discardableResult
    fileprivate func unlockedQuery(_ sql: String, _ values: [any SQLiteBindable]) throws(SQLiteError) -> [Row] {
        let statement: Statement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try Statement(database: self, sql: sql)
            statements[sql] = statement
        }
        try statement.bind(values)
        return try statement.rows()
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

/// The database inside `Database.transaction`: the same calls, without retaking the lock.
public struct Transaction {
    fileprivate let database: Database

    @discardableResult
    public func query(_ sql: String, _ values: any SQLiteBindable...) throws(SQLiteError) -> [Row] {
        try database.unlockedQuery(sql, values)
    }

    @discardableResult
    public func query(_ sql: String, values: [any SQLiteBindable]) throws(SQLiteError) -> [Row] {
        try database.unlockedQuery(sql, values)
    }
}
