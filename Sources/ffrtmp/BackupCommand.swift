import CommandKit
import SQLite
import Support

/// `ffrtmp backup`: copies the master's database (SQLite's online backup API) and the broker's
/// stream store (`StreamStoreSnapshot`) into a new folder while both parts keep running.
enum BackupCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp backup", summary: "Back up the master's database and the broker's streams while they run",
        usage: "ffrtmp backup --to DIR [--master-db FILE] [--store-dir DIR]",
        options: [
            OptionSpec(["--to"], value: "DIR", help: "New folder for the backup (must not exist or be empty)"),
            OptionSpec(["--master-db"], value: "FILE", help: "The master's database (ffrtmp master --db)"),
            OptionSpec(["--store-dir"], value: "DIR", help: "The broker's stream store (ffrtmp broker --store_dir)"),
        ],
        discussion: """
            Writes DIR/master.db (one SQLite file, as of one commit, checked with quick_check) and
            DIR/jetstream/ (the store's layout; start a broker on it with --store_dir). Safe while the master
            and the broker run: the database copy is one read transaction, which never blocks the master's
            writes; the store copy takes consumer state before messages, so a restored consumer may redeliver
            but never skips (docs/operations.md says exactly what is consistent).
            Exit status: 0 backed up, 1 failure, 2 usage error.

            Examples:
              ffrtmp backup --master-db /var/lib/ffrtmp/master/master.db \\
                --store-dir /var/lib/ffrtmp/jetstream --to /backup/ffrtmp-$(date +%F)
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument \"\(arguments.positionals[0])\"")
        }
        guard let destination = arguments.string("--to") else { throw UsageError("--to DIR is required") }
        let database = arguments.string("--master-db")
        let store = arguments.string("--store-dir")
        guard database != nil || store != nil else { throw UsageError("give --master-db, --store-dir or both") }
        if let database, !BackupFolder.isFile(database) {
            throw UsageError("--master-db \(database): no such file")
        }
        try BackupFolder.prepareEmpty(destination)
        if let database {
            let report = try Database(path: database).backup(to: destination + "/" + BackupFolder.databaseName)
            print("master database: \(report.pages) pages of \(report.pageSize) bytes -> \(destination)/master.db")
        }
        if let store {
            let summary = try StreamStoreSnapshot.copy(
                from: store, to: destination + "/" + BackupFolder.storeName)
            print(
                "broker store: \(summary.files) files, \(summary.bytes) bytes -> \(destination)/jetstream"
                    + (summary.vanished > 0 ? " (\(summary.vanished) removed by compaction while copying)" : ""))
        }
        try DurableFiles.syncDirectory(destination)
        return 0
    }
}
