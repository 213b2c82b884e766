@testable import Broker
import XCTest

/// The advisories a master follows, with nats-server 2.15's subjects and field names.
final class JetStreamAdvisoryTests: JetStreamBrokerTestCase {
    private let now: Int64 = 1_000 * 1_000_000_000
    /// Consumers hold their stream unowned: the test keeps it.
    private var stream: MessageStream!

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    private func makeConsumer(_ configure: (inout ConsumerConfig) -> Void = { _ in }) -> Consumer {
        stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: now, storage: MemoryStreamStorage())
        _ = stream.store(subject: "job.a", headers: [], payload: [1], now: now)
        var config = ConsumerConfig()
        config.durableName = "worker"
        configure(&config)
        let consumer = Consumer(
            name: "worker", config: config, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        stream.consumers["worker"] = consumer
        return consumer
    }

    func testATerminatedMessagePublishesNatsServersTerminatedAdvisory() throws {
        let consumer = makeConsumer()
        let output = RecordingOutput()
        consumer.add(PullRequest(reply: "inbox", batch: 1), now: now, output: output)
        consumer.terminate(1, reason: "ffmpeg exited 1", now: now, output: output)
        XCTAssertEqual(output.advisories, ["$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.JOBS.worker"])
        let body = try json(output.advisoryBodies[0])
        XCTAssertEqual(
            Set(body.keys),
            ["type", "id", "timestamp", "stream", "consumer", "consumer_seq", "stream_seq", "deliveries", "reason"])
        XCTAssertEqual(body["type"] as? String, "io.nats.jetstream.advisory.v1.terminated")
        XCTAssertEqual(body["stream"] as? String, "JOBS")
        XCTAssertEqual(body["consumer"] as? String, "worker")
        XCTAssertEqual(body["consumer_seq"] as? Int, 1)
        XCTAssertEqual(body["stream_seq"] as? Int, 1)
        XCTAssertEqual(body["deliveries"] as? Int, 1)
        XCTAssertEqual(body["reason"] as? String, "ffmpeg exited 1")
    }

    func testATerminationWithoutReasonLeavesTheReasonOutAndAnUnknownSequencePublishesNothing() throws {
        let consumer = makeConsumer()
        let output = RecordingOutput()
        consumer.terminate(1, now: now, output: output)
        XCTAssertTrue(output.advisories.isEmpty, "not delivered, so nothing to terminate")
        consumer.add(PullRequest(reply: "inbox", batch: 1), now: now, output: output)
        consumer.terminate(1, now: now, output: output)
        XCTAssertNil(try json(output.advisoryBodies[0])["reason"])
    }

    func testTheMaxDeliveriesAdvisoryCarriesNatsServersFields() throws {
        let consumer = makeConsumer {
            $0.maxDeliver = 1
            $0.ackWait = 1_000_000_000
        }
        let output = RecordingOutput()
        consumer.add(PullRequest(reply: "inbox", batch: 1), now: now, output: output)
        consumer.tick(now: now + 2_000_000_000, output: output)
        XCTAssertEqual(output.advisories, ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker"])
        let body = try json(output.advisoryBodies[0])
        XCTAssertEqual(Set(body.keys), ["type", "id", "timestamp", "stream", "consumer", "stream_seq", "deliveries"])
        XCTAssertEqual(body["type"] as? String, "io.nats.jetstream.advisory.v1.max_deliver")
        XCTAssertEqual(body["stream_seq"] as? Int, 1)
        XCTAssertEqual(body["deliveries"] as? Int, 1)
    }

    func testATermBodyCarriesItsTrimmedReasonCutToALimit() {
        XCTAssertEqual(AckKind(Array("+TERM".utf8)), .terminate(reason: ""))
        XCTAssertEqual(AckKind(Array("+TERM  some reason here \r\n".utf8)), .terminate(reason: "some reason here"))
        let long = Array("+TERM ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000)
        XCTAssertEqual(AckKind(long), .terminate(reason: String(repeating: "x", count: AckKind.maximumReasonBytes - 1)))
    }

    func testATermOverTheWireReachesAdvisorySubscribers() throws {
        let client = try inboxClient("term")
        let watcher = try inboxClient("watch", subscribe: "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>")
        makeStream(client, inbox: "_INBOX.term.api")
        XCTAssertTrue(publish(client, "job.a", "one", inbox: "_INBOX.term.pub").contains("\"seq\":1"))
        client.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.term.pull 1\r\n1\r\n")
        let delivery = client.read(until: "one\r\n")
        let ackSubject = try XCTUnwrap(
            delivery.split(separator: " ").first { $0.hasPrefix("$JS.ACK.") }.map(String.init), delivery)
        client.send("PUB \(ackSubject) 15\r\n+TERM bad input\r\n")
        let advisory = watcher.read(until: "}\r\n")
        XCTAssertTrue(advisory.contains("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.JOBS.worker"), advisory)
        XCTAssertTrue(advisory.contains(#""reason":"bad input""#), advisory)
    }
}
