@testable import Client
import XCTest

/// Publishing with acks, de-duplication and asynchronous publishes against a real JetStream server.
final class JetStreamPublishTests: JetStreamTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"], retention: .workqueue))
    }

    func testAPublishIsAcknowledgedWithTheStreamAndSequence() throws {
        let first = try context.publish("job.cpu", payload: "one")
        let second = try context.publish("job.cpu", payload: "two")
        XCTAssertEqual(first, PublishAck(stream: "JOBS", sequence: 1))
        XCTAssertEqual(second, PublishAck(stream: "JOBS", sequence: 2))
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 2)
    }

    func testARepeatedMessageIDIsStoredOnceAndReportedAsDuplicate() throws {
        let first = try context.publish("job.cpu", payload: "job", msgID: "job-42")
        let again = try context.publish("job.cpu", payload: "job", msgID: "job-42")
        XCTAssertFalse(first.duplicate)
        XCTAssertTrue(again.duplicate)
        XCTAssertEqual(again.sequence, first.sequence)
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 1)
    }

    func testAPublishNoStreamCapturesFailsAfterItsRetries() throws {
        let clock = ContinuousClock()
        let start = clock.now
        XCTAssertThrowsError(try context.publish("nowhere", payload: "x", retries: 1)) {
            XCTAssertEqual($0 as? JetStreamError, .noStreamResponse(subject: "nowhere"))
        }
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(250))
    }

    func testAStreamRefusalArrivesAsTheServersError() throws {
        try context.addStream(StreamConfig(name: "SMALL", subjects: ["small"], maxMessageSize: 10))
        assertServerError(10054, code: 400, description: "message size exceeds maximum allowed") {
            try context.publish("small", payload: String(repeating: "x", count: 100))
        }
    }

    func testAsyncPublishesAreAllAcknowledged() throws {
        var futures: [PublishFuture] = []
        for number in 0..<1000 {
            futures.append(try context.publishAsync("job.cpu", payload: Array("job \(number)".utf8)))
        }
        try context.waitForPendingAcks(timeout: .seconds(5))
        let sequences = try futures.map { try $0.wait(timeout: .zero).sequence }
        XCTAssertEqual(Set(sequences), Set(1...1000))
        XCTAssertEqual(try context.publisher.pendingCount, 0)
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 1000)
    }

    func testAsyncPublishesBeyondTheWindowWaitForAcks() throws {
        let small = JetStreamContext(connection: try connect(), timeout: .seconds(2), maxPendingPublishes: 8)
        let acks = Collector<Result<PublishAck, JetStreamError>>()
        for _ in 0..<200 {
            try small.publisher.publish("job.cpu", payload: [1, 2, 3], headers: nil) { acks.append($0) }
            XCTAssertLessThanOrEqual(try small.publisher.pendingCount, 8)
        }
        try small.waitForPendingAcks()
        XCTAssertEqual(acks.count, 200)
        XCTAssertEqual(acks.all.compactMap { try? $0.get().sequence }.sorted(), Array(1...200))
    }

    func testAnAsyncPublishNoStreamCapturesFailsWithNoStreamResponse() throws {
        let future = try context.publishAsync("nowhere", payload: [1])
        XCTAssertThrowsError(try future.wait(timeout: .seconds(2))) {
            XCTAssertEqual($0 as? JetStreamError, .noStreamResponse(subject: "nowhere"))
        }
    }

    func testAsyncDuplicatesAreReported() throws {
        let first = try context.publishAsync("job.cpu", payload: [1], msgID: "same")
        let second = try context.publishAsync("job.cpu", payload: [1], msgID: "same")
        XCTAssertFalse(try first.wait().duplicate)
        XCTAssertTrue(try second.wait().duplicate)
    }

    func testPublishAckParsingAcceptsBothServersSpellings() {
        func parse(_ text: String) -> Result<PublishAck, JetStreamError> {
            Array(text.utf8).withUnsafeBytes { PublishAck.parse($0) }
        }
        XCTAssertEqual(
            try parse("{\"stream\":\"JOBS\",\"seq\":1,\"duplicate\": true}").get(),
            PublishAck(stream: "JOBS", sequence: 1, duplicate: true))
        XCTAssertEqual(
            try parse("{\"duplicate\":true,\"seq\":1,\"stream\":\"JOBS\"}").get(),
            PublishAck(stream: "JOBS", sequence: 1, duplicate: true))
        XCTAssertEqual(
            try parse("{\"stream\":\"JOBS\",\"domain\":\"hub\",\"seq\":3}").get(),
            PublishAck(stream: "JOBS", sequence: 3, domain: "hub"))
        XCTAssertEqual(
            try parse(" { \"seq\" : 12 , \"stream\" : \"A\\u0042\" } ").get(),
            PublishAck(stream: "AB", sequence: 12))
        let refusal = "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":\"full\"}}"
        XCTAssertThrowsError(try parse(refusal).get()) {
            XCTAssertEqual($0 as? JetStreamError, .server(code: 503, errCode: 10077, description: "full"))
        }
        XCTAssertThrowsError(try parse("").get())
    }
}
