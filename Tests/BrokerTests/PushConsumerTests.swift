@testable import Broker
import XCTest

/// Push consumers as nats-py's ordered consumer creates them, driven directly with a recording output.
final class PushConsumerTests: XCTestCase {
    private let second: Int64 = 1_000_000_000
    private var now: Int64 = 1_000 * 1_000_000_000
    private var stream: MessageStream!
    private let output = RecordingOutput()

    private func makeStream(messages: Int, size: Int = 10, subjects: [String] = ["c.a"]) {
        stream = MessageStream(
            config: StreamConfig(name: "OBJ", subjects: ["c.>"]), created: now, storage: MemoryStreamStorage())
        for index in 0..<messages {
            _ = stream.store(
                subject: subjects[index % subjects.count], headers: [], payload: Array(repeating: 7, count: size),
                now: now)
        }
    }

    private func makeConsumer(_ configure: (inout ConsumerConfig) -> Void = { _ in }) -> Consumer {
        var config = ConsumerConfig()
        config.deliverSubject = "deliver.here"
        config.ackPolicy = .none
        config.flowControl = true
        config.idleHeartbeat = 5 * second
        configure(&config)
        let consumer = Consumer(
            name: "ordered", config: config, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        stream.consumers["ordered"] = consumer
        return consumer
    }

    private func pendingToken(_ ackSubject: String) -> String {
        String(ackSubject.split(separator: ".").last ?? "")
    }

    func testNothingIsDeliveredUntilTheDeliverSubjectHasASubscriber() {
        makeStream(messages: 3)
        let consumer = makeConsumer()
        consumer.dispatch(now: now, output: output)
        XCTAssertTrue(output.deliveries.isEmpty)
        output.interested = ["deliver.here"]
        consumer.tick(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1, 2, 3])
        XCTAssertEqual(Set(output.deliveries.map(\.inbox)), ["deliver.here"])
        XCTAssertTrue(output.deliveries[0].ackSubject.hasPrefix("$JS.ACK.OBJ.ordered.1.1.1."))
        XCTAssertEqual(output.deliveries.map { pendingToken($0.ackSubject) }, ["2", "1", "0"])
    }

    func testNewMessagesFlowToAnInterestedConsumer() {
        makeStream(messages: 0)
        output.interested = ["deliver.here"]
        let consumer = makeConsumer()
        _ = stream.store(subject: "c.a", headers: [], payload: [1], now: now)
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [1])
    }

    func testFlowControlIsRequestedPastHalfTheWindowAndDeliveryPausesAtTheWindowUntilAnswered() {
        let size = 16 * 1024
        makeStream(messages: 200, size: size)
        output.interested = ["deliver.here"]
        let consumer = makeConsumer()
        consumer.dispatch(now: now, output: output)
        // Each message counts its payload plus its subject and ack subject.
        XCTAssertEqual(output.deliveries.count, 128)
        XCTAssertEqual(output.flowControlRequests.count, 1)
        let request = output.flowControlRequests[0]
        XCTAssertEqual(request.subject, "deliver.here")
        XCTAssertTrue(request.reply.hasPrefix("$JS.FC.OBJ.ordered."), request.reply)
        XCTAssertEqual(request.reply.split(separator: ".").count, 5)

        // Nothing more while unanswered, however often it is asked; a wrong answer changes nothing.
        consumer.dispatch(now: now, output: output)
        consumer.flowControlAnswered(on: "$JS.FC.OBJ.ordered.nope", now: now, output: output)
        XCTAssertEqual(output.deliveries.count, 128)

        consumer.flowControlAnswered(on: request.reply, now: now, output: output)
        XCTAssertGreaterThan(output.deliveries.count, 128)
        XCTAssertEqual(output.flowControlRequests.count, 2)
        XCTAssertEqual(output.deliveries.map(\.sequence), (1...UInt64(output.deliveries.count)).map { $0 })
    }

    func testIdleHeartbeatsNameTheLastSequencesAndAnUnansweredFlowControlRequest() {
        makeStream(messages: 70, size: 16 * 1024)
        output.interested = ["deliver.here"]
        let consumer = makeConsumer()
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.count, 70)
        let reply = output.flowControlRequests.first?.reply ?? "none"

        consumer.tick(now: now + 4 * second, output: output)
        XCTAssertTrue(output.statuses.isEmpty)
        consumer.tick(now: now + 5 * second, output: output)
        XCTAssertEqual(output.statuses.map(\.code), [100])
        XCTAssertEqual(output.statuses[0].description, "Idle Heartbeat")
        XCTAssertEqual(output.statuses[0].inbox, "deliver.here")
        XCTAssertEqual(
            output.statuses[0].headers,
            ["Nats-Last-Consumer: 70", "Nats-Last-Stream: 70", "Nats-Consumer-Stalled: \(reply)"])

        consumer.flowControlAnswered(on: reply, now: now + 6 * second, output: output)
        consumer.tick(now: now + 11 * second, output: output)
        XCTAssertEqual(output.statuses.last?.headers, ["Nats-Last-Consumer: 70", "Nats-Last-Stream: 70"])
    }

    func testNoHeartbeatGoesToADeliverSubjectNobodySubscribes() {
        makeStream(messages: 0)
        let consumer = makeConsumer()
        consumer.tick(now: now + 60 * second, output: output)
        XCTAssertTrue(output.statuses.isEmpty)
        XCTAssertEqual(consumer.lastActive, now)
    }

    func testLastPerSubjectDeliversTheNewestOfEachSubjectThenNewMessages() {
        makeStream(messages: 6, subjects: ["c.a", "c.b", "c.c"])
        _ = stream.store(subject: "c.a", headers: [], payload: [1], now: now)
        output.interested = ["deliver.here"]
        let consumer = makeConsumer { $0.deliverPolicy = .lastPerSubject }
        XCTAssertEqual(consumer.numberPending, 3)
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [5, 6, 7])
        XCTAssertEqual(output.deliveries.map { pendingToken($0.ackSubject) }, ["2", "1", "0"])
        _ = stream.store(subject: "c.b", headers: [], payload: [2], now: now)
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [5, 6, 7, 8])
        XCTAssertEqual(consumer.numberPending, 0)
    }

    func testLastPerSubjectHonoursTheFilterAndSkipsWhatLeftTheStream() {
        makeStream(messages: 6, subjects: ["c.a", "c.b", "c.x.c"])
        let consumer = makeConsumer {
            $0.deliverPolicy = .lastPerSubject
            $0.filterSubject = "c.*"
        }
        _ = try? stream.storage.remove(5)
        output.interested = ["deliver.here"]
        consumer.dispatch(now: now, output: output)
        XCTAssertEqual(output.deliveries.map(\.sequence), [4])
    }

    func testHeadersOnlySendsTheHeaderLinesAndThePayloadSizeWithoutThePayload() {
        makeStream(messages: 1, size: 6)
        _ = stream.store(
            subject: "c.a", headers: Array("NATS/1.0\r\nX-A: b\r\n\r\n".utf8), payload: [1, 2], now: now)
        let consumer = makeConsumer { $0.headersOnly = true }
        let plain = consumer.shaped(try! stream.storage.message(at: 1)!)
        XCTAssertEqual(String(decoding: plain.headers, as: UTF8.self), "NATS/1.0\r\nNats-Msg-Size: 6\r\n\r\n")
        XCTAssertTrue(plain.payload.isEmpty)
        let withHeaders = consumer.shaped(try! stream.storage.message(at: 2)!)
        XCTAssertEqual(
            String(decoding: withHeaders.headers, as: UTF8.self), "NATS/1.0\r\nX-A: b\r\nNats-Msg-Size: 2\r\n\r\n")
        XCTAssertEqual(makeConsumer().shaped(try! stream.storage.message(at: 2)!).payload, [1, 2])
    }

    func testAPullRequestToAPushConsumerIsRefusedAsNatsServerDoes() throws {
        makeStream(messages: 1)
        let consumer = makeConsumer()
        let request = try PullRequest.parse(body: Array("1".utf8), reply: "inbox", now: now).get()
        consumer.add(request, now: now, output: output)
        XCTAssertEqual(output.statuses.map(\.code), [409])
        XCTAssertEqual(output.statuses.first?.description, "Consumer is push based")
        XCTAssertTrue(consumer.waiting.isEmpty)
    }

    func testEachAnswerDoublesTheWindowUpToItsBoundAndANeverAnsweringClientHoldsOneWindow() {
        var push = PushDelivery(deliverSubject: "d", flowControl: true, idleHeartbeat: second, now: now)
        push.look(interested: true, now: now)
        var windows: [Int] = []
        for round in 0..<6 {
            while push.canSend {
                if push.sent(bytes: 64 * 1024, now: now) { push.requested(answerOn: "fc.\(round)", now: now) }
            }
            XCTAssertLessThanOrEqual(push.inFlight, push.window + 64 * 1024)
            windows.append(push.window)
            XCTAssertFalse(push.answered(on: "fc.wrong"))
            XCTAssertTrue(push.answered(on: "fc.\(round)"))
        }
        XCTAssertEqual(windows.map { $0 / (1024 * 1024) }, [2, 4, 8, 16, 16, 16])
    }

    func testAHostileHeartbeatIntervalIsNeverShorterThanTheMinimum() {
        let push = PushDelivery(deliverSubject: "d", flowControl: true, idleHeartbeat: 1, now: now)
        XCTAssertEqual(push.heartbeat, PushDelivery.minimumHeartbeat)
        XCTAssertNil(PushDelivery(deliverSubject: "d", flowControl: true, idleHeartbeat: 0, now: now).nextHeartbeat)
    }
}
