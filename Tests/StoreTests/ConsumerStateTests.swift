import Glibc
import XCTest

@testable import Store

final class ConsumerStateTests: StoreTestCase {
    var consumerDirectory: String { directory + "/stream/consumers/worker" }

    func openConsumer(
        options: ConsumerStateStoreOptions = ConsumerStateStoreOptions(), fileSystem: (any FileSystem)? = nil
    ) throws -> ConsumerStateStore {
        try ConsumerStateStore.open(
            directory: consumerDirectory, options: options, logger: quietLogger,
            fileSystem: fileSystem ?? self.fileSystem)
    }

    func testTheAckFloorFollowsTheOldestPendingMessage() {
        var state = ConsumerState()
        for sequence in UInt64(1)...5 {
            state.applyDelivered(
                streamSequence: sequence * 10, consumerSequence: sequence, deliveryCount: 1, timestamp: 0)
        }
        XCTAssertEqual(state.delivered, SequencePair(consumer: 5, stream: 50))
        XCTAssertEqual(state.ackFloor, SequencePair(consumer: 0, stream: 9))
        XCTAssertTrue(state.applyAcked(streamSequence: 20))  // out of order: the floor stays
        XCTAssertEqual(state.ackFloor, SequencePair(consumer: 0, stream: 9))
        XCTAssertTrue(state.applyAcked(streamSequence: 10))  // 10 and 20 done: floor just below 30
        XCTAssertEqual(state.ackFloor, SequencePair(consumer: 2, stream: 29))
        XCTAssertFalse(state.applyAcked(streamSequence: 10))
        state.applyDelivered(streamSequence: 30, consumerSequence: 6, deliveryCount: 2, timestamp: 9)  // redelivery
        XCTAssertEqual(state.pending[30], PendingDelivery(consumerSequence: 6, deliveryCount: 2, timestamp: 9))
        XCTAssertEqual(state.delivered, SequencePair(consumer: 6, stream: 50))
        for sequence: UInt64 in [30, 40, 50] { XCTAssertTrue(state.applyAcked(streamSequence: sequence)) }
        XCTAssertEqual(state.ackFloor, state.delivered)
        XCTAssertTrue(state.pending.isEmpty)
        // A late delivery of something already below the floor is not pending again.
        state.applyDelivered(streamSequence: 40, consumerSequence: 7, deliveryCount: 3, timestamp: 0)
        XCTAssertTrue(state.pending.isEmpty)
    }

    func testConsumerStateRoundTripsThroughReopen() throws {
        let store = try openConsumer()
        let config = Array("{\"durable_name\":\"worker\",\"ack_policy\":\"explicit\"}".utf8)
        try store.setConfig(config)
        for sequence in UInt64(1)...100 {
            try store.recordDelivered(
                streamSequence: sequence, consumerSequence: sequence, deliveryCount: 1, timestamp: Int64(sequence))
        }
        for sequence in UInt64(1)...100 where sequence % 3 != 0 {
            XCTAssertTrue(try store.recordAcked(streamSequence: sequence))
        }
        XCTAssertTrue(try store.recordTerminated(streamSequence: 3))
        XCTAssertFalse(try store.recordAcked(streamSequence: 3))
        try store.recordDelivered(streamSequence: 6, consumerSequence: 101, deliveryCount: 2, timestamp: 500)
        try store.sync()
        let expected = store.state
        XCTAssertEqual(expected.pending.count, 32)
        XCTAssertEqual(expected.ackFloor, SequencePair(consumer: 100, stream: 5))
        try store.close()

        let reopened = try openConsumer()
        XCTAssertEqual(reopened.state, expected)
        XCTAssertEqual(reopened.state.config, config)
        XCTAssertTrue(reopened.recoveryReport.isClean)
        XCTAssertEqual(reopened.state.pending[6]?.deliveryCount, 2)
    }

    func testATornConsumerLogIsCutAtEveryOffsetOfItsLastRecords() throws {
        let store = try openConsumer()
        var boundaries: [(end: Int, state: ConsumerState)] = [(Int(store.logBytes), store.state)]
        try store.setConfig([1, 2, 3])
        boundaries.append((Int(store.logBytes), store.state))
        for sequence in UInt64(1)...6 {
            try store.recordDelivered(
                streamSequence: sequence, consumerSequence: sequence, deliveryCount: 1, timestamp: 7)
            boundaries.append((Int(store.logBytes), store.state))
            if sequence % 2 == 0 {
                try store.recordAcked(streamSequence: sequence - 1)
                boundaries.append((Int(store.logBytes), store.state))
            }
        }
        try store.close()
        let path = consumerDirectory + "/consumer.log"
        let original = try readFile(path)
        XCTAssertEqual(original.count, boundaries.last!.end)
        for cut in boundaries[boundaries.count - 5].end...original.count {
            try writeFile(path, Array(original[..<cut]))
            let reopened = try openConsumer()
            let good = boundaries.last { $0.end <= cut }!
            XCTAssertEqual(reopened.state, good.state, "cut at \(cut)")
            XCTAssertEqual(reopened.recoveryReport.truncatedBytes, Int64(cut - good.end))
            XCTAssertEqual(fileSize(path), good.end)
            try reopened.close()
        }
        // A flipped byte is found the same way.
        var damaged = original
        damaged[boundaries[4].end + 10] ^= 0x40
        try writeFile(path, damaged)
        let reopened = try openConsumer()
        XCTAssertEqual(reopened.state, boundaries[4].state)
        XCTAssertEqual(reopened.recoveryReport.damagedFiles.first?.reason, .checksumMismatch)
    }

    func testTheLogIsRewrittenAsASnapshotWhenItGrows() throws {
        var options = ConsumerStateStoreOptions()
        options.rewriteMinimumBytes = 16 << 10
        let store = try openConsumer(options: options)
        try store.setConfig(Array("config".utf8))
        var largest: Int64 = 0
        for sequence in UInt64(1)...20_000 {
            try store.recordDelivered(
                streamSequence: sequence, consumerSequence: sequence, deliveryCount: 1, timestamp: 1)
            if sequence > 10 { try store.recordAcked(streamSequence: sequence - 10) }  // ten stay in flight
            if sequence % 100 == 0 {
                try store.sync()
                largest = max(largest, Int64(fileSize(consumerDirectory + "/consumer.log")))
            }
        }
        try store.sync()
        XCTAssertLessThanOrEqual(largest, 24 << 10, "the log stays near the rewrite threshold")
        let expected = store.state
        XCTAssertEqual(expected.pending.count, 10)
        XCTAssertEqual(expected.ackFloor, SequencePair(consumer: 19_990, stream: 19_990))
        try store.close()
        let reopened = try openConsumer(options: options)
        XCTAssertEqual(reopened.state, expected)
        XCTAssertEqual(reopened.state.config, Array("config".utf8))
        try reopened.rewrite()
        XCTAssertEqual(reopened.logBytes, Int64(FileHeader.size + ConsumerRecord.snapshotRecordBytes(of: expected)))
        try reopened.close()
        XCTAssertEqual(try openConsumer(options: options).state, expected)
    }

    func testALeftoverTemporaryLogIsRemovedAndIgnored() throws {
        let store = try openConsumer()
        try store.recordDelivered(streamSequence: 4, consumerSequence: 1, deliveryCount: 1, timestamp: 1)
        try store.close()
        try writeFile(consumerDirectory + "/consumer.log.tmp", [9, 9, 9])
        let reopened = try openConsumer()
        XCTAssertEqual(reopened.recoveryReport.removedTemporaryFiles, 1)
        XCTAssertEqual(reopened.state.pending.keys.sorted(), [4])
        XCTAssertFalse(try fileSystem.contentsOfDirectory(consumerDirectory).contains("consumer.log.tmp"))
    }

    func testAFailedWriteReturnsTheStateToTheLastSync() throws {
        let faults = FaultInjectingFileSystem()
        var options = ConsumerStateStoreOptions()
        options.writeBufferBytes = 0
        let store = try openConsumer(options: options, fileSystem: faults)
        try store.recordDelivered(streamSequence: 1, consumerSequence: 1, deliveryCount: 1, timestamp: 1)
        try store.sync()
        let synced = store.state
        try store.recordDelivered(streamSequence: 2, consumerSequence: 2, deliveryCount: 1, timestamp: 1)
        faults.failWrite(after: 1, .halfWritten)
        XCTAssertThrowsError(try store.recordAcked(streamSequence: 1)) { error in
            XCTAssertEqual(error as? StoreError, .diskFull(path: self.consumerDirectory + "/consumer.log"))
        }
        XCTAssertEqual(store.state, synced)
        faults.failNextSync = true
        try store.recordAcked(streamSequence: 1)
        XCTAssertThrowsError(try store.sync())
        XCTAssertEqual(store.state, synced)
        try store.recordAcked(streamSequence: 1)
        try store.sync()
        try store.close()
        let reopened = try openConsumer()
        XCTAssertTrue(reopened.recoveryReport.isClean)
        XCTAssertTrue(reopened.state.pending.isEmpty)
        XCTAssertEqual(reopened.state.ackFloor, SequencePair(consumer: 1, stream: 1))
    }

    func testADamagedHeaderStartsTheStateOverAndSaysSo() throws {
        let store = try openConsumer()
        try store.recordDelivered(streamSequence: 4, consumerSequence: 1, deliveryCount: 1, timestamp: 1)
        try store.close()
        let path = consumerDirectory + "/consumer.log"
        var bytes = try readFile(path)
        bytes[0] = 0
        try writeFile(path, bytes)
        let reopened = try openConsumer()
        XCTAssertEqual(reopened.recoveryReport.damagedFiles.first?.reason, .invalidHeader)
        XCTAssertEqual(reopened.state, ConsumerState())
    }

    func testConsumerNamesMustBePlainFileNames() throws {
        XCTAssertEqual(try ConsumerStateStore.directory(forConsumer: "w1", inStream: "/data/s"), "/data/s/consumers/w1")
        for name in ["", ".", "..", "a/b"] {
            XCTAssertThrowsError(try ConsumerStateStore.directory(forConsumer: name, inStream: "/data/s"))
        }
    }
}
