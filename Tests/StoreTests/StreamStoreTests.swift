import Support
import XCTest

@testable import Store

final class StreamStoreTests: StoreTestCase {
    /// Appends `count` messages whose payloads are `payload(for: sequence)`.
    @discardableResult
    func appendMessages(_ store: StreamStore, count: Int, subject: (UInt64) -> String = { "jobs.\($0 % 3)" })
        throws -> [UInt64]
    {
        var sequences: [UInt64] = []
        for _ in 0..<count {
            let next = store.state.lastSequence + 1
            let headers: [UInt8] = next % 2 == 0 ? Array("NATS/1.0\r\nId: \(next)\r\n\r\n".utf8) : []
            sequences.append(
                try store.append(
                    subject: subject(next), headers: headers, payload: payload(for: next, size: Int(next % 200)),
                    timestamp: Int64(next) * 1000))
        }
        return sequences
    }

    func assertMessage(_ store: StreamStore, _ sequence: UInt64, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let message = try XCTUnwrap(
            try store.message(at: sequence), "message \(sequence) missing", file: file, line: line)
        XCTAssertEqual(message.sequence, sequence, file: file, line: line)
        XCTAssertEqual(message.subject, "jobs.\(sequence % 3)", file: file, line: line)
        XCTAssertEqual(message.payload, payload(for: sequence, size: Int(sequence % 200)), file: file, line: line)
        XCTAssertEqual(message.timestamp, Int64(sequence) * 1000, file: file, line: line)
        XCTAssertEqual(
            message.headers, sequence % 2 == 0 ? Array("NATS/1.0\r\nId: \(sequence)\r\n\r\n".utf8) : [],
            file: file, line: line)
    }

    func testAppendedMessagesReadBackIdenticallyBeforeAndAfterReopen() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 8 << 10
        options.writeBufferBytes = 1000
        let store = try openStream(options: options)
        let sequences = try appendMessages(store, count: 500)
        XCTAssertEqual(sequences, Array(1...500))
        for sequence in sequences { try assertMessage(store, sequence) }  // buffer, page cache and files
        try store.sync()
        let before = store.state
        try store.close()

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state, before)
        XCTAssertTrue(reopened.recoveryReport.isClean)
        XCTAssertEqual(reopened.recoveryReport.recordsScanned, 500)
        for sequence in sequences { try assertMessage(reopened, sequence) }
        XCTAssertNil(try reopened.message(at: 0))
        XCTAssertNil(try reopened.message(at: 501))
    }

    func testStateCountsMessagesBytesSequencesAndTimestamps() throws {
        let store = try openStream()
        XCTAssertEqual(
            store.state,
            StreamState(
                messages: 0, bytes: 0, firstSequence: 1, lastSequence: 0, firstTimestamp: 0, lastTimestamp: 0))
        try store.append(subject: "a", payload: [1, 2, 3], timestamp: 10)
        try store.append(subject: "bb", headers: [9], payload: [], timestamp: 20)
        let expectedBytes: Int64 = (31 + 1 + 3) + (31 + 2 + 1)  // framing + subject + headers + payload
        XCTAssertEqual(
            store.state,
            StreamState(
                messages: 2, bytes: expectedBytes, firstSequence: 1, lastSequence: 2,
                firstTimestamp: 10, lastTimestamp: 20))
        XCTAssertTrue(try store.remove(1))
        XCTAssertFalse(try store.remove(1))
        XCTAssertFalse(try store.remove(3))
        XCTAssertEqual(
            store.state,
            StreamState(
                messages: 1, bytes: 34, firstSequence: 2, lastSequence: 2, firstTimestamp: 20, lastTimestamp: 20))
    }

    func testSequencesContinueAfterReopen() throws {
        let store = try openStream()
        try appendMessages(store, count: 10)
        try store.close()
        let reopened = try openStream()
        XCTAssertEqual(try appendMessages(reopened, count: 3), [11, 12, 13])
    }

    func testRemovedMessagesStayRemovedAfterReopen() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 4 << 10
        let store = try openStream(options: options)
        try appendMessages(store, count: 300)
        let removed = Set(stride(from: UInt64(1), through: 300, by: 3)).union([2, 299, 300])
        for sequence in removed.sorted(by: >) { XCTAssertTrue(try store.remove(sequence)) }
        try store.sync()
        let before = store.state
        try store.close()

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state, before)
        for sequence in UInt64(1)...300 {
            if removed.contains(sequence) {
                XCTAssertNil(try reopened.message(at: sequence))
            } else {
                try assertMessage(reopened, sequence)
            }
        }
    }

    func testSequencesDoNotGoBackAfterRemovingEverythingAndReopening() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        try appendMessages(store, count: 100)
        while try store.removeOldest() != nil {}
        try store.sync()
        XCTAssertEqual(store.segmentCount, 1, "dead segments are deleted")
        try store.close()

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state.messages, 0)
        XCTAssertEqual(reopened.state.lastSequence, 100)
        XCTAssertEqual(reopened.state.firstSequence, 101)
        XCTAssertEqual(reopened.state.lastTimestamp, 100_000)
        XCTAssertEqual(try appendMessages(reopened, count: 1), [101])
    }

    func testPurgeRemovesEverythingAndKeepsTheLastSequence() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        try appendMessages(store, count: 100)
        try store.sync()
        XCTAssertGreaterThan(try segmentFiles().count, 3)
        XCTAssertEqual(try store.purge(), 100)
        XCTAssertEqual(try segmentFiles().count, 1)
        XCTAssertEqual(store.state.messages, 0)
        try store.close()

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state.lastSequence, 100)
        XCTAssertEqual(reopened.state.bytes, 0)
        XCTAssertEqual(try appendMessages(reopened, count: 1), [101])
    }

    func testSegmentsRollAtTheConfiguredSize() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 4 << 10
        let store = try openStream(options: options)
        for sequence in UInt64(1)...100 {
            try store.append(subject: "s", payload: [UInt8](repeating: 7, count: 169), timestamp: Int64(sequence))
        }
        try store.sync()
        // 200-byte records: 20 fit after the 28-byte header in 4 KiB.
        XCTAssertEqual(try segmentFiles(), (1...5).map { Segment.fileName(id: UInt32($0)) })
        for name in try segmentFiles() {
            XCTAssertLessThanOrEqual(fileSize(streamDirectory + "/" + name), 4 << 10)
        }
        // A record bigger than a segment still gets one of its own.
        try store.append(subject: "big", payload: [UInt8](repeating: 1, count: 10_000), timestamp: 0)
        try store.sync()
        XCTAssertEqual(try store.message(at: 101)?.payload.count, 10_000)
    }

    func testNextSequenceFindsMatchingSubjectsWithoutPayloads() throws {
        let store = try openStream()
        try appendMessages(store, count: 30)
        try store.remove(4)
        let isOne: (String) -> Bool = { $0 == "jobs.1" }
        XCTAssertEqual(store.nextSequence(after: 0, matching: isOne), 1)
        XCTAssertEqual(store.nextSequence(after: 1, matching: isOne), 7)
        XCTAssertEqual(store.nextSequence(after: 28, matching: isOne), nil)
        XCTAssertEqual(store.nextSequence(after: 3), 5)
        XCTAssertEqual(store.sequences(after: 0, limit: 3, matching: isOne), [1, 7, 10])
        XCTAssertEqual(store.count(after: 0, matching: isOne), 9)
        XCTAssertEqual(store.subject(at: 5), "jobs.2")
        XCTAssertNil(store.subject(at: 4))
        XCTAssertTrue(store.contains(5))
        XCTAssertFalse(store.contains(4))
    }

    func testEnforcingLimitsRemovesTheOldestMessagesFirst() throws {
        let store = try openStream()
        for sequence in 1...10 {
            try store.append(subject: "s", payload: [UInt8](repeating: 0, count: 68), timestamp: Int64(sequence) * 100)
        }
        XCTAssertEqual(try store.enforce(maxMessages: 8, now: 0), [1, 2])
        XCTAssertEqual(try store.enforce(maxBytes: 500, now: 0), [3, 4, 5])  // 100 bytes per record
        XCTAssertEqual(try store.enforce(maxAgeNanoseconds: 250, now: 1000), [6, 7])
        XCTAssertEqual(try store.enforce(maxMessages: 10, maxBytes: 10_000, maxAgeNanoseconds: 10_000, now: 1000), [])
        XCTAssertEqual(store.state.messages, 3)
        XCTAssertEqual(store.state.firstSequence, 8)
    }

    func testASecondOpenOfTheSameDirectoryIsRefused() throws {
        let store = try openStream()
        XCTAssertThrowsError(try openStream()) { error in
            XCTAssertEqual(error as? StoreError, .locked(path: streamDirectory))
        }
        try store.close()
        XCTAssertThrowsError(try store.append(subject: "a", payload: [])) { error in
            XCTAssertEqual(error as? StoreError, .closed(path: streamDirectory))
        }
        _ = try openStream()
    }

    func testBadSubjectsSizesAndOptionsAreRejectedClearly() throws {
        var options = StreamStoreOptions()
        options.maximumMessageBytes = 100
        let store = try openStream(options: options)
        XCTAssertThrowsError(try store.append(subject: "", payload: [])) { error in
            XCTAssertEqual(error as? StoreError, .invalidSubject(""))
        }
        XCTAssertThrowsError(try store.append(subject: "a", payload: [UInt8](repeating: 0, count: 69))) { error in
            XCTAssertEqual(error as? StoreError, .recordTooLarge(bytes: 101, limit: 100))
        }
        XCTAssertEqual(try store.append(subject: "a", payload: [UInt8](repeating: 0, count: 68)), 1)
        try store.close()
        options.maximumSegmentBytes = 10
        XCTAssertThrowsError(try openStream(options: options)) { error in
            XCTAssertTrue("\(error)".contains("maximumSegmentBytes"))
        }
    }

    func testRecoveryIsLoggedAsOneLine() throws {
        let store = try openStream()
        try appendMessages(store, count: 5)
        try store.close()
        let logPath = directory + "/store.log"
        let sink = try LogSink(path: logPath)
        _ = try StreamStore.open(directory: streamDirectory, logger: Logger(component: "store", sink: sink))
        let text = String(decoding: try readFile(logPath), as: UTF8.self)
        XCTAssertEqual(text.split(separator: "\n").count, 1)
        XCTAssertTrue(text.contains("msg=\"stream store opened\""), text)
        XCTAssertTrue(text.contains("messages=5"), text)
        XCTAssertTrue(text.contains("truncated_bytes=0"), text)
    }

    func testDestroyDeletesTheDirectory() throws {
        let store = try openStream()
        try appendMessages(store, count: 5)
        let consumer = try ConsumerStateStore.open(
            directory: ConsumerStateStore.directory(forConsumer: "c", inStream: streamDirectory), logger: quietLogger)
        try consumer.close()
        try store.destroy()
        XCTAssertFalse(fileSystem.isDirectory(streamDirectory))
    }
}
