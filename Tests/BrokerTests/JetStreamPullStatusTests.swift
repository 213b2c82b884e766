@testable import Broker
import XCTest

/// How a pull request ends, status by status, as nats-server 2.15 ends it: `404` for a `no_wait`
/// request once nothing more is available (at once for a partly filled one-shot request with
/// `expires`), `408` with the pending headers at expiry, `409` for the consumer's request limits
/// and for `max_bytes`, `100 Idle Heartbeat` while a request waits.
final class JetStreamPullStatusTests: XCTestCase {
    private let second: Int64 = 1_000_000_000
    private var now: Int64 = 1_000 * 1_000_000_000
    private var stream: MessageStream!
    private let output = RecordingOutput()

    private func makeConsumer(
        messages: Int, payloadSize: Int = 10, _ configure: (inout ConsumerConfig) -> Void = { _ in }
    ) -> Consumer {
        stream = MessageStream(
            config: StreamConfig(name: "S", subjects: ["s.>"]), created: now, storage: MemoryStreamStorage())
        for _ in 0..<messages { store(payloadSize: payloadSize) }
        var config = ConsumerConfig()
        config.durableName = "C"
        configure(&config)
        let consumer = Consumer(
            name: "C", config: config, created: now, stream: stream, persistence: TransientConsumerPersistence(),
            now: now)
        stream.consumers["C"] = consumer
        return consumer
    }

    private func store(payloadSize: Int = 10) {
        _ = stream.store(subject: "s.a", headers: [], payload: Array(repeating: 0x78, count: payloadSize), now: now)
    }

    private func pull(_ consumer: Consumer, _ body: String) {
        switch PullRequest.parse(body: Array(body.utf8), reply: "inbox", now: now) {
        case .success(let request): consumer.add(request, now: now, output: output)
        case .failure(let refusal): XCTFail("refused: \(refusal.description)")
        }
    }

    private func advance(_ nanoseconds: Int64, _ consumer: Consumer) {
        now += nanoseconds
        consumer.tick(now: now, output: output)
    }

    private var statusLines: [String] { output.statuses.map { "\($0.code) \($0.description)" } }

    func testAPartlyFilledNoWaitRequestWithExpiresEndsAtOnceWithNoMessages() {
        let consumer = makeConsumer(messages: 3)
        pull(consumer, #"{"batch":5,"no_wait":true,"expires":1000000000}"#)
        XCTAssertEqual(output.deliveries.count, 3)
        XCTAssertEqual(statusLines, ["404 No Messages"])
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testAnEmptyNoWaitRequestWithExpiresWaitsForItsFirstMessageThenEnds() {
        let consumer = makeConsumer(messages: 0)
        pull(consumer, #"{"batch":5,"no_wait":true,"expires":1000000000}"#)
        XCTAssertEqual(statusLines, [])
        XCTAssertEqual(consumer.waiting.count, 1)
        store()
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.count, 1)
        XCTAssertEqual(statusLines, ["404 No Messages"])
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testAnEmptyNoWaitRequestWithExpiresTimesOutWithThePendingHeaders() {
        let consumer = makeConsumer(messages: 0)
        pull(consumer, #"{"batch":5,"no_wait":true,"expires":1000000000}"#)
        advance(second, consumer)
        XCTAssertEqual(statusLines, ["408 Request Timeout"])
        XCTAssertEqual(output.statuses[0].headers, ["Nats-Pending-Messages: 5", "Nats-Pending-Bytes: 0"])
    }

    func testAPartlyFilledRequestWithExpiresTimesOutWithWhatItStillWanted() {
        let consumer = makeConsumer(messages: 3)
        pull(consumer, #"{"batch":5,"expires":1000000000,"max_bytes":100000}"#)
        XCTAssertEqual(statusLines, [])
        advance(second, consumer)
        XCTAssertEqual(statusLines, ["408 Request Timeout"])
        let used = output.deliveries.map { "s.a".utf8.count + $0.ackSubject.utf8.count + 10 }.reduce(0, +)
        XCTAssertEqual(
            output.statuses[0].headers, ["Nats-Pending-Messages: 2", "Nats-Pending-Bytes: \(100_000 - used)"])
    }

    func testAFilledBatchEndsWithoutAStatus() {
        let consumer = makeConsumer(messages: 3)
        pull(consumer, #"{"batch":3,"expires":1000000000}"#)
        advance(2 * second, consumer)
        XCTAssertEqual(output.deliveries.count, 3)
        XCTAssertEqual(statusLines, [])
    }

    func testRequestsBeyondTheConsumerLimitsAreRefusedWithNatsServerTexts() {
        let consumer = makeConsumer(messages: 3) { config in
            config.maxRequestBatch = 50
            config.maxRequestExpires = 5 * second
            config.maxRequestMaxBytes = 100_000
        }
        pull(consumer, #"{"batch":51,"expires":300000000}"#)
        pull(consumer, #"{"batch":51,"no_wait":true}"#)
        pull(consumer, #"{"batch":5,"expires":6000000000}"#)
        pull(consumer, #"{"batch":5,"expires":300000000,"max_bytes":200000}"#)
        XCTAssertEqual(
            statusLines,
            [
                "409 Exceeded MaxRequestBatch of 50", "409 Exceeded MaxRequestBatch of 50",
                "409 Exceeded MaxRequestExpires of 5s", "409 Exceeded MaxRequestMaxBytes of 100000",
            ])
        XCTAssertTrue(output.deliveries.isEmpty)
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testAMessageLargerThanWhatRemainsOfMaxBytesEndsTheRequestAndStaysForTheNext() {
        let consumer = makeConsumer(messages: 3, payloadSize: 100)
        pull(consumer, #"{"batch":5,"expires":1000000000,"max_bytes":300}"#)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2])
        XCTAssertEqual(statusLines, ["409 Message Size Exceeds MaxBytes"])
        let used = output.deliveries.map { 3 + $0.ackSubject.utf8.count + 100 }.reduce(0, +)
        XCTAssertEqual(output.statuses[0].headers, ["Nats-Pending-Messages: 3", "Nats-Pending-Bytes: \(300 - used)"])
        XCTAssertTrue(consumer.waiting.isEmpty)
        pull(consumer, #"{"batch":5,"no_wait":true}"#)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2, 3])
    }

    func testARequestWhoseMaxBytesIsUsedUpExactlyEndsWithoutAStatus() {
        let consumer = makeConsumer(messages: 3)
        pull(consumer, #"{"batch":1,"no_wait":true}"#)
        let size = 3 + output.deliveries[0].ackSubject.utf8.count + 10
        pull(consumer, #"{"batch":5,"expires":1000000000,"max_bytes":\#(size)}"#)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2])
        XCTAssertEqual(statusLines, [])
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testAWaitingRequestGetsIdleHeartbeatsNamingTheLastDeliveryUntilItExpires() {
        let consumer = makeConsumer(messages: 2)
        pull(consumer, #"{"batch":2,"no_wait":true}"#)
        pull(consumer, #"{"batch":5,"expires":1000000000,"idle_heartbeat":300000000}"#)
        XCTAssertEqual(consumer.nextDeadline, now + 300_000_000)
        for _ in 0..<3 { advance(300_000_000, consumer) }
        advance(100_000_000, consumer)
        XCTAssertEqual(
            statusLines,
            ["100 Idle Heartbeat", "100 Idle Heartbeat", "100 Idle Heartbeat", "408 Request Timeout"])
        XCTAssertEqual(output.statuses[0].headers, ["Nats-Last-Consumer: 2", "Nats-Last-Stream: 2"])
    }

    func testADeliveryPutsOffTheNextIdleHeartbeat() {
        let consumer = makeConsumer(messages: 0)
        pull(consumer, #"{"batch":5,"expires":1000000000,"idle_heartbeat":300000000}"#)
        now += 200_000_000
        store()
        consumer.dispatch(now: now, output: output)
        advance(200_000_000, consumer)
        XCTAssertEqual(statusLines, [])
        advance(100_000_000, consumer)
        XCTAssertEqual(statusLines, ["100 Idle Heartbeat"])
    }

    func testAnEmptyNoWaitRequestIsAnsweredEvenWhenMaxWaitingIsReached() {
        let consumer = makeConsumer(messages: 0) { $0.maxWaiting = 1 }
        pull(consumer, #"{"batch":1,"expires":1000000000}"#)
        pull(consumer, #"{"batch":1,"no_wait":true}"#)
        pull(consumer, #"{"batch":1,"expires":1000000000}"#)
        XCTAssertEqual(statusLines, ["404 No Messages", "409 Exceeded MaxWaiting"])
    }

    func testGoDurationTextReadsAsNatsServerWritesLimits() {
        XCTAssertEqual(GoDuration.text(5 * second), "5s")
        XCTAssertEqual(GoDuration.text(1_500_000_000), "1.5s")
        XCTAssertEqual(GoDuration.text(250_000_000), "250ms")
        XCTAssertEqual(GoDuration.text(90 * second), "1m30s")
        XCTAssertEqual(GoDuration.text(7_200 * second), "2h0m0s")
        XCTAssertEqual(GoDuration.text(1_500), "1.5µs")
        XCTAssertEqual(GoDuration.text(0), "0s")
        XCTAssertEqual(GoDuration.text(Int64.min), "-2562047h47m16.854775808s")
    }
}
