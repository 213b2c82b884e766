@testable import Broker
import Store
import Support
import TestSupport
import XCTest

/// `Nats-Expected-Last-Subject-Sequence` and `last_by_subj` look up one subject's newest message
/// instead of scanning the stream on every publish.
final class JetStreamSubjectLookupTests: XCTestCase {
    private var temporary: TemporaryDirectory?
    private let logger = Logger(component: "test-store", sink: LogSink(minimumLevel: .error))

    /// The stream's folder, not made yet: the store makes it.
    private var directory: String { (temporary?.path ?? "") + "/stream" }

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "ffrtmp-subject-lookup")
    }

    override func tearDown() {
        temporary = nil
    }

    /// Appends, removals and purges, checked the same way for both storages.
    private func checkLookups(_ storage: StreamStorage, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNil(storage.lastSequence(onSubject: "a"), file: file, line: line)
        for subject in ["a", "b", "a", "c"] {
            _ = try storage.append(subject: subject, headers: [], payload: [], timestamp: 1)
        }
        XCTAssertEqual(storage.lastSequence(onSubject: "a"), 3, file: file, line: line)
        XCTAssertEqual(storage.lastSequence(onSubject: "b"), 2, file: file, line: line)
        XCTAssertNil(storage.lastSequence(onSubject: "d"), file: file, line: line)
        XCTAssertNil(storage.lastSequence(onSubject: "a.b"), file: file, line: line)
        try storage.remove(3)
        XCTAssertEqual(storage.lastSequence(onSubject: "a"), 1, "walks back to the one before", file: file, line: line)
        try storage.remove(1)
        XCTAssertNil(storage.lastSequence(onSubject: "a"), file: file, line: line)
        _ = try storage.append(subject: "a", headers: [], payload: [], timestamp: 1)
        XCTAssertEqual(storage.lastSequence(onSubject: "a"), 5, file: file, line: line)
        try storage.purge()
        XCTAssertNil(storage.lastSequence(onSubject: "a"), file: file, line: line)
        XCTAssertNil(storage.lastSequence(onSubject: "c"), file: file, line: line)
    }

    func testTheMemoryStorageFindsEachSubjectsNewestMessage() throws {
        try checkLookups(MemoryStreamStorage())
    }

    func testTheFileStoreFindsEachSubjectsNewestMessage() throws {
        let store = try StreamStore.open(directory: directory, logger: logger)
        defer { try? store.close() }
        try checkLookups(store)
    }

    func testTheFileStoreFindsTheNewestMessageAfterRecovery() throws {
        var store = try StreamStore.open(directory: directory, logger: logger)
        for subject in ["a", "b", "a", "b", "c"] { try store.append(subject: subject, payload: []) }
        try store.remove(4)
        try store.sync()
        try store.close()
        store = try StreamStore.open(directory: directory, logger: logger)
        defer { try? store.close() }
        XCTAssertEqual(store.lastSequence(onSubject: "a"), 3)
        XCTAssertEqual(store.lastSequence(onSubject: "b"), 2)
        XCTAssertEqual(store.lastSequence(onSubject: "c"), 5)
        XCTAssertEqual(store.lastSequence(onSubject: "d"), nil)
        XCTAssertEqual(try store.append(subject: "b", payload: []), 6)
        XCTAssertEqual(store.lastSequence(onSubject: "b"), 6)
    }

    func testBothStoragesCountAndWalkBackOneSubject() throws {
        let store = try StreamStore.open(directory: directory, logger: logger)
        defer { try? store.close() }
        for storage in [store as StreamStorage, MemoryStreamStorage()] {
            for subject in ["a", "b", "a", "a", "c"] {
                _ = try storage.append(subject: subject, headers: [], payload: [], timestamp: 1)
            }
            try storage.remove(3)
            XCTAssertEqual(storage.messageCount(onSubject: "a"), 2)
            XCTAssertEqual(storage.messageCount(onSubject: "z"), 0)
            XCTAssertEqual(storage.previousSequence(before: 5, onSubject: "a"), 4)
            XCTAssertEqual(storage.previousSequence(before: 4, onSubject: "a"), 1)
            XCTAssertNil(storage.previousSequence(before: 1, onSubject: "a"))
            XCTAssertNil(storage.previousSequence(before: 0, onSubject: "a"))
            XCTAssertEqual(storage.previousSequence(before: .max, onSubject: "c"), 5)
        }
    }

    func testAPerSubjectLimitKeepsTheNewestWithoutScanningTheStream() throws {
        let storage = CountingStorage()
        var config = StreamConfig(name: "CONTROL", subjects: ["ctl.>"])
        config.maxMessagesPerSubject = 2
        let stream = MessageStream(config: config, created: 1, storage: storage)
        for number in 0..<300 {
            guard case .stored = stream.store(subject: "ctl.\(number % 3)", headers: [], payload: [], now: 1) else {
                return XCTFail("refused publish \(number)")
            }
        }
        XCTAssertEqual(storage.state.messages, 6)
        for subject in ["ctl.0", "ctl.1", "ctl.2"] { XCTAssertEqual(storage.messageCount(onSubject: subject), 2) }
        XCTAssertEqual(storage.lastSequence(onSubject: "ctl.0"), 298)
        XCTAssertEqual(storage.previousSequence(before: 298, onSubject: "ctl.0"), 295)
        XCTAssertEqual(storage.scans, 0)
    }

    func testLookupsOfManyOldSubjectsAfterRecoveryDoNotEachWalkTheStream() throws {
        var store = try StreamStore.open(directory: directory, logger: logger)
        for number in 0..<20_000 { try store.append(subject: "old.\(number)", payload: []) }
        for _ in 0..<20_000 { try store.append(subject: "new", payload: []) }
        try store.sync()
        try store.close()
        store = try StreamStore.open(directory: directory, logger: logger)
        defer { try? store.close() }
        let clock = ContinuousClock()
        let started = clock.now
        for number in 0..<20_000 { XCTAssertEqual(store.lastSequence(onSubject: "old.\(number)"), UInt64(number + 1)) }
        // Walking back from the end for each would read 600 million entries; one pass reads 40,000.
        XCTAssertLessThan(clock.now - started, .seconds(20))
    }

    func testLookupsDoNotGrowWithTheStream() throws {
        let store = try StreamStore.open(directory: directory, logger: logger)
        defer { try? store.close() }
        try store.append(subject: "cold", payload: [])
        for _ in 0..<100_000 { try store.append(subject: "hot", payload: []) }
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<20_000 {
            XCTAssertEqual(store.lastSequence(onSubject: "cold"), 1)
            XCTAssertEqual(store.lastSequence(onSubject: "hot"), 100_001)
        }
        // A scan would read 2 billion index entries; the look-ups take milliseconds. The bound only
        // catches a scan, it does not time the machine.
        XCTAssertLessThan(clock.now - started, .seconds(20))
    }

    func testAnExpectedSubjectSequenceIsCheckedWithoutScanningTheStream() throws {
        let storage = CountingStorage()
        let stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: 1, storage: storage)
        var expected: [String: UInt64] = [:]
        for number in 0..<300 {
            let subject = "job.\(number % 3)"
            let headers = Array(
                "NATS/1.0\r\nNats-Expected-Last-Subject-Sequence: \(expected[subject] ?? 0)\r\n\r\n".utf8)
            guard case .stored(let sequence) = stream.store(subject: subject, headers: headers, payload: [], now: 1)
            else { return XCTFail("refused publish \(number)") }
            expected[subject] = sequence
        }
        let stale = Array("NATS/1.0\r\nNats-Expected-Last-Subject-Sequence: 1\r\n\r\n".utf8)
        guard case .refused(let error) = stream.store(subject: "job.0", headers: stale, payload: [], now: 1) else {
            return XCTFail("a stale expectation was stored")
        }
        XCTAssertEqual(error.description, "wrong last sequence: 298")
        XCTAssertEqual(storage.scans, 0)
    }
}

/// A memory storage that counts the calls that walk the whole stream.
private final class CountingStorage: ForwardingStreamStorage {
    private(set) var scans = 0

    override func nextSequence(after sequence: UInt64, matching filter: (String) -> Bool) -> UInt64? {
        scans += 1
        return super.nextSequence(after: sequence, matching: filter)
    }
    override func count(after sequence: UInt64, matching filter: (String) -> Bool) -> Int {
        scans += 1
        return super.count(after: sequence, matching: filter)
    }
}
