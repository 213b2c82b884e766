@testable import Broker
import XCTest

/// Records what a consumer sends instead of routing it.
final class RecordingOutput: ConsumerOutput {
    var deliveries: [(sequence: UInt64, inbox: String, ackSubject: String)] = []
    var statuses: [(code: Int, description: String, inbox: String, headers: [String])] = []
    var advisories: [String] = []
    var advisoryBodies: [[UInt8]] = []

    func deliver(_ message: StreamMessage, to inbox: ReplyInbox, ackSubject: String) {
        deliveries.append((message.sequence, inbox.subject, ackSubject))
    }

    func sendStatus(_ code: Int, _ description: String, extraHeaders: [(String, String)], to inbox: ReplyInbox) {
        statuses.append((code, description, inbox.subject, extraHeaders.map { "\($0): \($1)" }))
    }

    func publishAdvisory(subject: String, json: [UInt8]) {
        advisories.append(subject)
        advisoryBodies.append(json)
    }

    var flowControlRequests: [(subject: String, reply: String)] = []
    /// Deliver subjects that have a subscriber.
    var interested: Set<String> = []

    func sendFlowControlRequest(to subject: String, reply: String) {
        flowControlRequests.append((subject, reply))
    }

    func hasInterest(in subject: String) -> Bool { interested.contains(subject) }
}

final class JetStreamConsumerTests: XCTestCase {
    private let second: Int64 = 1_000_000_000
    private var now: Int64 = 1_000 * 1_000_000_000
    private var stream: MessageStream!
    private let output = RecordingOutput()

    private func makeStream(retention: StreamConfig.RetentionPolicy = .workqueue, messages: Int = 3) {
        var config = StreamConfig(name: "JOBS", subjects: ["job.>"])
        config.retention = retention
        stream = MessageStream(config: config, created: now, storage: MemoryStreamStorage())
        for index in 0..<messages {
            _ = stream.store(
                subject: index % 2 == 0 ? "job.cpu" : "job.gpu", headers: [], payload: [UInt8(index)],
                now: now)
        }
    }

    private func makeConsumer(_ configure: (inout ConsumerConfig) -> Void = { _ in }) -> Consumer {
        var config = ConsumerConfig()
        config.durableName = "worker"
        configure(&config)
        let consumer = Consumer(
            name: "worker", config: config, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        stream.consumers["worker"] = consumer
        return consumer
    }

    private func pull(_ consumer: Consumer, batch: Int, noWait: Bool = false, expires: Int64 = 0) {
        let body = "{\"batch\":\(batch),\"no_wait\":\(noWait),\"expires\":\(expires)}"
        let request = try! PullRequest.parse(body: Array(body.utf8), reply: "inbox", now: now).get()
        consumer.add(request, now: now, output: output)
    }

    func testAPullDeliversMessagesInOrderWithTheNatsAckSubject() {
        makeStream()
        let consumer = makeConsumer()
        pull(consumer, batch: 2)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2])
        XCTAssertTrue(output.deliveries[0].ackSubject.hasPrefix("$JS.ACK.JOBS.worker.1.1.1."))
        XCTAssertEqual(consumer.pending.count, 2)
    }

    func testNoWaitAnswersNoMessagesAfterWhatIsAvailable() {
        makeStream(messages: 1)
        let consumer = makeConsumer()
        pull(consumer, batch: 3, noWait: true)
        XCTAssertEqual(output.deliveries.count, 1)
        XCTAssertEqual(output.statuses.map(\.code), [404])
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testAnExpiredRequestEndsWithRequestTimeout() {
        makeStream(messages: 0)
        let consumer = makeConsumer()
        pull(consumer, batch: 1, expires: second)
        consumer.tick(now: now + second / 2, output: output)
        XCTAssertTrue(output.statuses.isEmpty)
        consumer.tick(now: now + 2 * second, output: output)
        XCTAssertEqual(output.statuses.map(\.code), [408])
    }

    func testAnAckedWorkQueueMessageLeavesTheStream() {
        makeStream()
        let consumer = makeConsumer()
        pull(consumer, batch: 1)
        consumer.acknowledge(1)
        XCTAssertEqual(stream.storage.state.messages, 2)
        XCTAssertTrue(consumer.pending.isEmpty)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 1)
    }

    func testAnUnackedMessageIsRedeliveredAfterAckWaitWithAHigherDeliveryCount() {
        makeStream(messages: 1)
        let consumer = makeConsumer { $0.ackWait = 2 * self.second }
        pull(consumer, batch: 1)
        pull(consumer, batch: 1)
        consumer.tick(now: now + second, output: output)
        XCTAssertEqual(output.deliveries.count, 1, "not before ack_wait")
        consumer.tick(now: now + 3 * second, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 1])
        XCTAssertTrue(
            output.deliveries[1].ackSubject.hasPrefix("$JS.ACK.JOBS.worker.2.1."), output.deliveries[1].ackSubject)
    }

    func testProgressRestartsTheAckWait() {
        makeStream(messages: 1)
        let consumer = makeConsumer { $0.ackWait = 2 * self.second }
        pull(consumer, batch: 1)
        pull(consumer, batch: 1)
        consumer.extend(1, now: now + second)
        consumer.tick(now: now + 5 * second / 2, output: output)
        XCTAssertEqual(output.deliveries.count, 1)
        consumer.tick(now: now + 4 * second, output: output)
        XCTAssertEqual(output.deliveries.count, 2)
    }

    func testANakWithDelayRedeliversOnlyAfterTheDelay() {
        makeStream(messages: 1)
        let consumer = makeConsumer()
        pull(consumer, batch: 1)
        consumer.reject(1, delay: second, now: now)
        pull(consumer, batch: 1)
        XCTAssertEqual(output.deliveries.count, 1)
        consumer.tick(now: now + 2 * second, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 1])
    }

    func testMaxDeliverStopsRedeliveryAndPublishesTheAdvisory() {
        makeStream(messages: 1)
        let consumer = makeConsumer {
            $0.ackWait = self.second
            $0.maxDeliver = 2
        }
        for round in 1...3 {
            pull(consumer, batch: 1)
            consumer.tick(now: now + Int64(round) * 2 * second, output: output)
        }
        XCTAssertEqual(output.deliveries.count, 2)
        XCTAssertEqual(output.advisories, ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker"])
        XCTAssertEqual(stream.storage.state.messages, 1, "a work queue keeps the message")
    }

    func testATerminatedMessageIsNeverRedelivered() {
        makeStream(messages: 1)
        let consumer = makeConsumer { $0.ackWait = self.second }
        pull(consumer, batch: 1)
        consumer.terminate(1, now: now, output: output)
        pull(consumer, batch: 1)
        consumer.tick(now: now + 5 * second, output: output)
        XCTAssertEqual(output.deliveries.count, 1)
    }

    func testAFilteredConsumerSeesOnlyItsSubjects() {
        makeStream(messages: 4)
        let consumer = makeConsumer { $0.filterSubject = "job.gpu" }
        pull(consumer, batch: 10, noWait: true)
        XCTAssertEqual(output.deliveries.map(\.sequence), [2, 4])
    }

    func testMaxAckPendingHoldsBackDeliveriesUntilAcks() {
        makeStream(messages: 3)
        let consumer = makeConsumer { $0.maxAckPending = 1 }
        pull(consumer, batch: 3)
        XCTAssertEqual(output.deliveries.count, 1)
        consumer.acknowledge(1)
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2])
    }

    func testDuplicatesWithinTheWindowAreNotStoredTwice() {
        makeStream(messages: 0)
        let headers = Array("NATS/1.0\r\nNats-Msg-Id: job-1\r\n\r\n".utf8)
        guard case .stored(let first) = stream.store(subject: "job.cpu", headers: headers, payload: [1], now: now),
            case .duplicate(let again) = stream.store(
                subject: "job.cpu", headers: headers, payload: [1], now: now + second)
        else { return XCTFail("expected stored then duplicate") }
        XCTAssertEqual(first, again)
        guard case .stored = stream.store(subject: "job.cpu", headers: headers, payload: [1], now: now + 200 * second)
        else {
            return XCTFail("after the window the id is new again")
        }
    }
}
