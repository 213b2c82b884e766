#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import SQLite
import Support

/// `ffrtmp restore`: puts a folder made by `ffrtmp backup` back in place while the parts are stopped.
enum RestoreCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp restore", summary: "Restore a backup made by ffrtmp backup (parts stopped)",
        usage: "ffrtmp restore --from DIR [--master-db FILE] [--store-dir DIR] [--force]",
        options: [
            OptionSpec(["--from"], value: "DIR", help: "A folder written by ffrtmp backup"),
            OptionSpec(["--master-db"], value: "FILE", help: "Where the master's database goes"),
            OptionSpec(["--store-dir"], value: "DIR", help: "Where the broker's stream store goes"),
            OptionSpec(["--force"], help: "Replace an existing database or store (moved aside, not deleted)"),
        ],
        discussion: """
            Stop the master and the broker first (systemctl stop ffrtmp-master ffrtmp-broker): a running
            master keeps writing its old file. Without --force an existing target is an error; with it the
            old one is renamed to <name>.before-restore-<unix time> (a database with its -wal and -shm).
            The database is copied and checked (quick_check); the store is checked by the broker when it
            opens it (a torn tail from a backup taken under load is cut then).
            Exit status: 0 restored, 1 failure, 2 usage error.

            Example:
              ffrtmp restore --from /backup/ffrtmp-2026-12-07 --master-db /var/lib/ffrtmp/master/master.db \\
                --store-dir /var/lib/ffrtmp/jetstream --force
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        guard let source = arguments.string("--from") else { throw UsageError("--from DIR is required") }
        let database = arguments.string("--master-db")
        let store = arguments.string("--store-dir")
        guard database != nil || store != nil else { throw UsageError("give --master-db, --store-dir or both") }
        let backupDatabase = source + "/" + BackupFolder.databaseName
        let backupStore = source + "/" + BackupFolder.storeName
        if database != nil, !BackupFolder.isFile(backupDatabase) {
            throw UsageError("\(source) holds no \(BackupFolder.databaseName)")
        }
        if store != nil, !StreamStoreSnapshot.isDirectory(backupStore) {
            throw UsageError("\(source) holds no \(BackupFolder.storeName)/")
        }
        let force = arguments.flag("--force")
        for target in [database, store].compactMap({ $0 }) where !force && access(target, F_OK) == 0 {
            throw UsageError("\(target) exists (stop the part and add --force to replace it)")
        }
        if let database {
            try restoreDatabase(from: backupDatabase, to: database)
        }
        if let store {
            let staging = store + ".restoring"
            try DurableFiles.removeTree(staging)
            let summary = try StreamStoreSnapshot.copy(from: backupStore, to: staging)
            if let aside = try BackupFolder.moveAside(store) { print("moved the old store to \(aside)") }
            guard rename(staging, store) == 0 else { throw SupportError("cannot rename \(staging) to \(store)") }
            try DurableFiles.syncDirectory(DurableFiles.parent(of: store))
            print("broker store: \(summary.files) files, \(summary.bytes) bytes -> \(store)")
        }
        return 0
    }

    /// The database is copied through memory; one past this is restored by hand (sqlite3 .restore).
    static let databaseLimit = 64 << 30

    /// Copies the backup's single file next to the target, checks it, then renames it in place.
    private static func restoreDatabase(from backup: String, to target: String) throws {
        guard let bytes = try DurableFiles.read(backup, limit: databaseLimit) else {
            throw SupportError("\(backup) vanished")
        }
        let staging = target + ".restoring"
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(staging + suffix) }
        try DurableFiles.makeDirectories(DurableFiles.parent(of: target))
        try DurableFiles.replace(staging, with: bytes)
        do {
            let copy = try Database(path: staging)
            let verdict = try copy.query("PRAGMA quick_check").first?[0].string
            guard verdict == "ok" else { throw SupportError("\(backup) fails quick_check: \(verdict ?? "?")") }
            try copy.execute("PRAGMA journal_mode=DELETE")
        }
        if let aside = try BackupFolder.moveAside(target, companions: ["-wal", "-shm"]) {
            print("moved the old database to \(aside)")
        }
        guard rename(staging, target) == 0 else { throw SupportError("cannot rename \(staging) to \(target)") }
        try DurableFiles.syncDirectory(DurableFiles.parent(of: target))
        print("master database: \(bytes.count) bytes -> \(target)")
    }
}
