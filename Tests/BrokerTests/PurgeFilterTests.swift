@testable import Broker
import XCTest

final class PurgeFilterTests: XCTestCase {
    private let now: Int64 = 1_000 * 1_000_000_000

    /// Sequences 1...9: `c.a` on 1, 3, 5, 7, 9; `c.b` on 2, 4, 6, 8.
    private func makeStream() -> MessageStream {
        let stream = MessageStream(
            config: StreamConfig(name: "OBJ", subjects: ["c.>"]), created: now, storage: MemoryStreamStorage())
        for index in 1...9 {
            _ = stream.store(subject: index % 2 == 1 ? "c.a" : "c.b", headers: [], payload: [UInt8(index)], now: now)
        }
        return stream
    }

    private func purge(_ stream: MessageStream, _ body: String) throws -> Int {
        try stream.purge(PurgeRequest.parse(Array(body.utf8)).get())
    }

    private func remaining(_ stream: MessageStream) -> [UInt64] {
        (1...9).filter { stream.storage.contains(UInt64($0)) }.map { UInt64($0) }
    }

    func testAFilteredPurgeRemovesOnlyThatSubjectsMessages() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, #"{"filter":"c.a"}"#), 5)
        XCTAssertEqual(remaining(stream), [2, 4, 6, 8])
        XCTAssertEqual(stream.storage.state.lastSequence, 9)
    }

    func testAWildcardFilterPurgesEverySubjectItMatches() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, #"{"filter":"c.*"}"#), 9)
        XCTAssertEqual(stream.storage.state.messages, 0)
    }

    func testKeepLeavesTheNewestMatchingMessages() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, #"{"filter":"c.b","keep":3}"#), 1)
        XCTAssertEqual(remaining(stream), [1, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(try purge(stream, #"{"keep":2}"#), 6)
        XCTAssertEqual(remaining(stream), [8, 9])
    }

    func testASequencePurgesOnlyMatchingMessagesBelowIt() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, #"{"filter":"c.a","seq":6}"#), 3)
        XCTAssertEqual(remaining(stream), [2, 4, 6, 7, 8, 9])
    }

    func testAnEmptyBodyPurgesEverything() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, ""), 9)
        XCTAssertEqual(try purge(makeStream(), "{}"), 9)
    }

    func testAFilterThatIsNoSubjectMatchesNothingAsInNatsServer() throws {
        let stream = makeStream()
        XCTAssertEqual(try purge(stream, #"{"filter":"c..a"}"#), 0)
        XCTAssertEqual(stream.storage.state.messages, 9)
    }

    func testSequenceAndKeepTogetherOrNegativeNumbersAreRefused() {
        XCTAssertEqual(PurgeRequest.parse(Array(#"{"seq":3,"keep":1}"#.utf8)), .failure(.badRequest))
        guard case .failure(let error) = PurgeRequest.parse(Array(#"{"keep":-1}"#.utf8)) else {
            return XCTFail("a negative keep was accepted")
        }
        XCTAssertEqual(error.errorCode, 10025)
        guard case .failure(let huge) = PurgeRequest.parse(Array(#"{"seq":1e400}"#.utf8)) else {
            return XCTFail("a sequence beyond UInt64 was accepted")
        }
        XCTAssertEqual(huge.errorCode, 10025)
    }

    func testAPurgeTellsConsumersTheirCountsAreStale() throws {
        let stream = makeStream()
        let consumer = Consumer(
            name: "reader", config: ConsumerConfig(), created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        XCTAssertEqual(consumer.numberPending, 9)
        _ = try purge(stream, #"{"filter":"c.b"}"#)
        XCTAssertEqual(consumer.numberPending, 5)
    }
}
