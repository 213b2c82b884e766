import Broker
import Client
import Dispatch
import Foundation
import SQLite
import Support
import Synchronization
import TestSupport
import XCTest

/// `ffrtmp backup` and `ffrtmp restore` round trips, each taken while the part keeps writing.
final class BackupCommandTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        guard FFrtmpBinary.isBuilt else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        folder = "/tmp/ffrtmp-backup-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try DurableFiles.makeDirectories(folder)
    }

    override func tearDown() {
        try? DurableFiles.removeTree(folder)
    }

    func testAMasterDatabaseBackedUpWhileWrittenRestoresToTheSameRows() throws {
        let live = try Database(path: folder + "/master.db")
        try live.execute("CREATE TABLE results (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL, body TEXT)")
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let writerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var pair = 0
            while !stop.load(ordering: .relaxed) {
                pair += 1
                _ = try? live.transaction { transaction in
                    try transaction.query("INSERT INTO results (pair, body) VALUES (?, ?)", pair, "a \(pair)")
                    try transaction.query("INSERT INTO results (pair, body) VALUES (?, ?)", pair, "b \(pair)")
                }
                written.store(pair, ordering: .relaxed)
            }
            writerDone.signal()
        }
        while written.load(ordering: .relaxed) < 300 { usleep(1000) }
        let before = written.load(ordering: .relaxed)
        let backup = try FFrtmpBinary.run(["backup", "--master-db", folder + "/master.db", "--to", folder + "/backup"])
        stop.store(true, ordering: .relaxed)
        writerDone.wait()
        XCTAssertEqual(backup.status, 0, backup.error)
        XCTAssertTrue(backup.output.contains("master.db"), backup.output)

        let restore = try FFrtmpBinary.run([
            "restore", "--from", folder + "/backup", "--master-db", folder + "/restored/master.db",
        ])
        XCTAssertEqual(restore.status, 0, restore.error)
        let restored = try Database(path: folder + "/restored/master.db")
            .query("SELECT id, pair, body FROM results ORDER BY id")
        XCTAssertGreaterThanOrEqual(restored.count, 2 * before, "rows committed before the backup are in it")
        let original = try live.query("SELECT id, pair, body FROM results ORDER BY id LIMIT ?", restored.count)
        XCTAssertEqual(
            restored.map { [$0[0], $0[1], $0[2]] }, original.map { [$0[0], $0[1], $0[2]] },
            "the restored rows are the live rows as of one commit")
        XCTAssertEqual(restored.count % 2, 0, "no transaction torn")

        let again = try FFrtmpBinary.run([
            "restore", "--from", folder + "/backup", "--master-db", folder + "/restored/master.db",
        ])
        XCTAssertEqual(again.status, 2, "an existing database is not replaced without --force")
        let forced = try FFrtmpBinary.run([
            "restore", "--from", folder + "/backup", "--master-db", folder + "/restored/master.db", "--force",
        ])
        XCTAssertEqual(forced.status, 0, forced.error)
        XCTAssertTrue(forced.output.contains("before-restore"), forced.output)
    }

    func testABrokerStoreBackedUpWhilePublishingOpensWithEveryAcknowledgedMessageAndItsConsumer() throws {
        let storeDirectory = folder + "/store"
        let broker = try TestBroker(storeDirectory: storeDirectory)
        let connection = try NATSConnection.connect(url: "nats://127.0.0.1:\(broker.port)")
        let context = JetStreamContext(connection: connection)
        _ = try context.addStream(StreamConfig(name: "EVENTS", subjects: ["events.>"]))
        _ = try context.addOrUpdateConsumer(stream: "EVENTS", ConsumerConfig(durableName: "reader"))
        for index in 0..<200 { try context.publish("events.a", payload: Array("message \(index)".utf8)) }
        let pull = try context.pullSubscribe(stream: "EVENTS", consumer: "reader")
        for message in try pull.fetch(batch: 50, expires: .seconds(5)) { try message.ackSync() }

        let stop = Atomic<Bool>(false)
        let publisherDone = DispatchSemaphore(value: 0)
        let url = "nats://127.0.0.1:\(broker.port)"
        DispatchQueue.global().async {
            defer { publisherDone.signal() }
            guard let publisher = try? NATSConnection.connect(url: url) else { return }
            defer { publisher.close() }
            let publishing = JetStreamContext(connection: publisher)
            var index = 200
            while !stop.load(ordering: .relaxed) {
                _ = try? publishing.publish("events.b", payload: Array("message \(index)".utf8))
                index += 1
            }
        }
        let backup = try FFrtmpBinary.run(["backup", "--store-dir", storeDirectory, "--to", folder + "/backup"])
        stop.store(true, ordering: .relaxed)
        publisherDone.wait()
        connection.close()
        broker.shutdown()
        XCTAssertEqual(backup.status, 0, backup.error)

        let restore = try FFrtmpBinary.run([
            "restore", "--from", folder + "/backup", "--store-dir", folder + "/restored",
        ])
        XCTAssertEqual(restore.status, 0, restore.error)
        let restoredBroker = try TestBroker(storeDirectory: folder + "/restored")
        defer { restoredBroker.shutdown() }
        let check = try NATSConnection.connect(url: "nats://127.0.0.1:\(restoredBroker.port)")
        defer { check.close() }
        let restored = JetStreamContext(connection: check)
        let state = try restored.streamInfo("EVENTS").state
        XCTAssertGreaterThanOrEqual(state.messages, 200, "every message acknowledged before the backup")
        XCTAssertEqual(state.firstSequence, 1)
        XCTAssertEqual(state.lastSequence, state.messages, "a prefix of the stream: no hole")
        let consumer = try restored.consumerInfo(stream: "EVENTS", consumer: "reader")
        XCTAssertEqual(consumer.ackFloor.streamSequence, 50, "the consumer's acknowledgements came along")
    }

    func testBackupWithoutASourceOrIntoAFolderInUseIsAUsageError() throws {
        XCTAssertEqual(try FFrtmpBinary.run(["backup", "--to", folder + "/b"]).status, 2)
        try DurableFiles.makeDirectories(folder + "/b")
        try DurableFiles.replace(folder + "/b/x", with: [1])
        let busy = try FFrtmpBinary.run(["backup", "--master-db", folder + "/b/x", "--to", folder + "/b"])
        XCTAssertEqual(busy.status, 2)
        XCTAssertTrue(busy.error.contains("not empty"), busy.error)
    }
}
