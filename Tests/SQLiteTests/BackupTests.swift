import Dispatch
import Synchronization
import XCTest

@testable import SQLite

#if canImport(Glibc)
    import Glibc
#endif

/// `Database.backup(to:)`: a consistent single-file copy while another connection keeps writing.
final class BackupTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-backup-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(folder, 0o700), 0)
    }

    override func tearDown() {
        for name in ["live", "copy", "restored"] {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(folder + "/" + name + suffix) }
        }
        rmdir(folder)
    }

    func testABackupTakenWhileAnotherConnectionWritesIsOneCommitsWorthOfRows() throws {
        let live = try Database(path: folder + "/live")
        try live.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL, note TEXT)")
        // Each transaction writes two rows with the same pair: a torn copy would hold an odd count.
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let writer = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var pair = 0
            while !stop.load(ordering: .relaxed) {
                pair += 1
                _ = try? live.transaction { transaction in
                    try transaction.query("INSERT INTO jobs (pair, note) VALUES (?, ?)", pair, "first")
                    try transaction.query("INSERT INTO jobs (pair, note) VALUES (?, ?)", pair, "second")
                }
                written.store(pair, ordering: .relaxed)
            }
            writer.signal()
        }
        while written.load(ordering: .relaxed) < 200 { usleep(1000) }
        // The backup runs on its own connection, as `ffrtmp backup` beside a running master does.
        let reader = try Database(path: folder + "/live")
        let report = try reader.backup(to: folder + "/copy")
        let atBackup = written.load(ordering: .relaxed)
        while written.load(ordering: .relaxed) < atBackup + 50 { usleep(1000) }
        stop.store(true, ordering: .relaxed)
        writer.wait()

        XCTAssertGreaterThan(report.pages, 1)
        XCTAssertEqual(access(folder + "/copy-wal", F_OK), -1, "the copy is one file")
        let copy = try Database(path: folder + "/copy")
        let rows = try copy.query("SELECT count(*), max(pair), count(DISTINCT pair) FROM jobs")[0]
        let count = try XCTUnwrap(rows[0].int)
        XCTAssertGreaterThanOrEqual(count, 400)
        XCTAssertEqual(count, 2 * (rows[1].int ?? -1), "every pair whole: the copy is one commit's state")
        XCTAssertEqual(rows[2].int, rows[1].int)
        let liveCount = try live.query("SELECT count(*) FROM jobs")[0][0].int ?? 0
        XCTAssertGreaterThan(liveCount, count, "the writer went on during and after the backup")
    }

    func testARestoredCopyHoldsTheSameRows() throws {
        let live = try Database(path: folder + "/live")
        try live.execute("CREATE TABLE results (id TEXT PRIMARY KEY, joules REAL, body BLOB)")
        for index in 0..<300 {
            try live.query(
                "INSERT INTO results VALUES (?, ?, ?)", "job-\(index)", Double(index) * 1.5,
                SQLiteValue.blob([UInt8(index % 256), 0, 255]))
        }
        try live.backup(to: folder + "/copy")
        try Database(path: folder + "/copy").backup(to: folder + "/restored")
        let original = try live.query("SELECT id, joules, body FROM results ORDER BY id")
        let restored = try Database(path: folder + "/restored").query(
            "SELECT id, joules, body FROM results ORDER BY id")
        XCTAssertEqual(restored.count, 300)
        XCTAssertEqual(restored.map { [$0[0], $0[1], $0[2]] }, original.map { [$0[0], $0[1], $0[2]] })
    }

    func testABackupNeverOverwritesAFile() throws {
        let live = try Database(path: folder + "/live")
        try live.execute("CREATE TABLE t (v)")
        XCTAssertEqual(creat(folder + "/copy", 0o600) >= 0, true)
        XCTAssertThrowsError(try live.backup(to: folder + "/copy")) { error in
            XCTAssertTrue("\(error)".contains("exists"), "\(error)")
        }
        var status = stat()
        XCTAssertEqual(stat(folder + "/copy", &status), 0)
        XCTAssertEqual(status.st_size, 0, "the existing file is left as it was")
    }
}
