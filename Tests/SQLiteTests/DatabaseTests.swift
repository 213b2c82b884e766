import Dispatch
import XCTest

@testable import SQLite

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite layer: values round-trip, transactions commit or roll back, errors say what failed.
final class DatabaseTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-sqlite-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(folder, 0o700), 0)
    }

    override func tearDown() {
        for name in ["db", "db-wal", "db-shm"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }

    func testEveryStorageClassRoundTrips() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t (a INTEGER, b REAL, c TEXT, d BLOB, e TEXT)")
        let text = "ünïcode ✓ \"quoted\" '; DROP TABLE t; --"
        try database.query(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?)", Int64.max, 2.5, text, SQLiteValue.blob([0, 1, 255]),
            String?.none)
        let row = try XCTUnwrap(database.query("SELECT a, b, c, d, e FROM t").first)
        XCTAssertEqual(row["a"], .integer(Int64.max))
        XCTAssertEqual(row["b"].double, 2.5)
        XCTAssertEqual(row["c"].string, text, "parameters are bound, never spliced into SQL")
        XCTAssertEqual(row["d"], .blob([0, 1, 255]))
        XCTAssertTrue(row["e"].isNull)
        XCTAssertTrue(row["missing"].isNull)
    }

    func testATransactionThatThrowsLeavesNothingBehind() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        struct Stop: Error {}
        XCTAssertThrowsError(
            try database.transaction { transaction in
                try transaction.query("INSERT INTO t VALUES (1)")
                throw Stop()
            })
        XCTAssertEqual(try database.query("SELECT count(*) AS n FROM t").first?["n"].int, 0)
        try database.transaction { try $0.query("INSERT INTO t VALUES (?)", 2) }
        XCTAssertEqual(try database.query("SELECT id FROM t").map { $0[0].int }, [2])
    }

    func testAFileDatabaseUsesWriteAheadLoggingAndKeepsDataAcrossReopen() throws {
        let path = folder + "/db"
        do {
            let database = try Database(path: path)
            XCTAssertEqual(try database.query("PRAGMA journal_mode").first?[0].string, "wal")
            try database.execute("CREATE TABLE t (v TEXT)")
            try database.query("INSERT INTO t VALUES (?)", "kept")
        }
        let reopened = try Database(path: path)
        XCTAssertEqual(try reopened.query("SELECT v FROM t").first?[0].string, "kept")
    }

    func testErrorsNameTheProblemAndTheStatement() throws {
        let database = try Database(path: ":memory:")
        XCTAssertThrowsError(try database.query("SELECT * FROM nowhere")) { error in
            XCTAssertTrue("\(error)".contains("no such table: nowhere"), "\(error)")
            XCTAssertTrue("\(error)".contains("SELECT * FROM nowhere"), "\(error)")
        }
        XCTAssertThrowsError(try database.query("SELECT ?", 1, 2)) { error in
            XCTAssertTrue("\(error)".contains("2 values for 1 parameters"), "\(error)")
        }
        XCTAssertThrowsError(try Database(path: folder + "/missing/db")) { error in
            XCTAssertTrue("\(error)".contains("cannot open"), "\(error)")
        }
    }

    func testConcurrentWritersFromManyThreadsLoseNothing() throws {
        let database = try Database(path: folder + "/db")
        try database.execute("CREATE TABLE t (thread INTEGER, n INTEGER)")
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for n in 0..<200 { try? database.query("INSERT INTO t VALUES (?, ?)", thread, n) }
        }
        XCTAssertEqual(try database.query("SELECT count(*) FROM t").first?[0].int, 800)
    }
}
