import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// What `Database.backup(to:)` copied.
public struct BackupReport: Sendable, Equatable {
    /// Pages in the copy (of `pageSize` bytes each).
    public var pages: Int
    public var pageSize: Int
    /// Times a step found the source locked and waited.
    public var busyRetries: Int
}

extension Database {
    /// Copies the whole database into a new file at `destinationPath` with SQLite's online backup
    /// API (`sqlite3_backup_init/step/finish`), safe while other connections and processes write.
    ///
    /// The copy is made in one step, inside one read transaction: under write-ahead logging a reader
    /// never blocks writers, and one step cannot be restarted by a write from another connection
    /// (a paged backup restarts from page 1 after each, which never ends under steady writes). So the
    /// copy is the database as of one commit. It is then checked (`PRAGMA quick_check`) and written
    /// as a single file (rollback journal, no `-wal` beside it), synced. The destination must not
    /// exist; a failed backup removes what it wrote.
    @discardableResult
    public func backup(to destinationPath: String, busyTimeoutMilliseconds: Int = 30_000) throws(SQLiteError)
        -> BackupReport
    {
        if access(destinationPath, F_OK) == 0 {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "\(destinationPath) exists; not overwriting it")
        }
        do throws(SQLiteError) {
            let report = try lock.withLock { _ throws(SQLiteError) in
                try Self.copy(from: handle, to: destinationPath, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            }
            do {
                let copy = try Database(path: destinationPath)
                let verdict = try copy.query("PRAGMA quick_check").first?[0].string
                guard verdict == "ok" else {
                    throw SQLiteError(code: SQLITE_CORRUPT, message: "the copy fails quick_check: \(verdict ?? "?")")
                }
                try copy.execute("PRAGMA journal_mode=DELETE")
            }
            let descriptor = open(destinationPath, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0, fsync(descriptor) == 0 else {
                if descriptor >= 0 { close(descriptor) }
                throw SQLiteError(code: SQLITE_IOERR, message: "cannot sync \(destinationPath)")
            }
            close(descriptor)
            return report
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(destinationPath + suffix) }
            throw error
        }
    }

    /// The backup proper, on the raw connections; the destination is opened without WAL so the
    /// copy lands in the main file.
    private static func copy(from source: OpaquePointer, to destinationPath: String, busyTimeoutMilliseconds: Int)
        throws(SQLiteError) -> BackupReport
    {
        var destination: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let openCode = sqlite3_open_v2(destinationPath, &destination, flags, nil)
        defer { sqlite3_close_v2(destination) }
        guard openCode == SQLITE_OK, let destination else {
            throw SQLiteError(code: openCode, message: "cannot create \(destinationPath)")
        }
        guard let backup = sqlite3_backup_init(destination, "main", source, "main") else {
            let code = sqlite3_extended_errcode(destination)
            throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(destination)))
        }
        var retries = 0
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED {
                retries += 1
                guard retries * 10 < busyTimeoutMilliseconds else { break }
                usleep(10_000)
            }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let pages = Int(sqlite3_backup_pagecount(backup))
        let finishCode = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finishCode == SQLITE_OK else {
            let failed = code == SQLITE_DONE ? finishCode : code
            throw SQLiteError(
                code: failed, message: "backup to \(destinationPath) failed: " + String(cString: sqlite3_errstr(failed))
            )
        }
        var pageSize = 0
        var statement: OpaquePointer?
        if sqlite3_prepare_v2(destination, "PRAGMA page_size", -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW
        {
            pageSize = Int(sqlite3_column_int64(statement, 0))
        }
        sqlite3_finalize(statement)
        return BackupReport(pages: pages, pageSize: pageSize, busyRetries: retries)
    }
}
