@testable import Broker
import TestSupport
import XCTest

/// The ack floor sits just below the lowest delivery still outstanding, whatever order acks come in
/// and however far apart the consumer's messages lie in the stream.
final class JetStreamAckFloorTests: XCTestCase {
    private let now: Int64 = 1_000 * 1_000_000_000
    private let output = RecordingOutput()
    /// Held here: a consumer only borrows its stream.
    private var stream: MessageStream!

    private func makeConsumer(subjects: [String], filter: String? = nil) -> Consumer {
        stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: now, storage: MemoryStreamStorage())
        for subject in subjects { _ = stream.store(subject: subject, headers: [], payload: [1], now: now) }
        var config = ConsumerConfig()
        config.durableName = "worker"
        config.filterSubject = filter
        let consumer = Consumer(
            name: "worker", config: config, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        stream.consumers["worker"] = consumer
        return consumer
    }

    private func pull(_ consumer: Consumer, batch: Int) {
        consumer.add(PullRequest(reply: ReplyInbox(subject: "inbox"), batch: batch), now: now, output: output)
    }

    func testTheFloorFollowsAcksInAnyOrder() {
        let consumer = makeConsumer(subjects: Array(repeating: "job.cpu", count: 300))
        pull(consumer, batch: 300)
        var outstanding = Set(consumer.pending.keys)
        XCTAssertEqual(outstanding.count, 300)
        var generator = SeededGenerator(seed: 14)
        // In order first (the common case), then the rest shuffled.
        let order = Array(1...40) + Array(UInt64(41)...300).shuffled(using: &generator)
        for sequence in order {
            consumer.acknowledge(UInt64(sequence))
            outstanding.remove(UInt64(sequence))
            let expected = (outstanding.min() ?? 301) - 1
            XCTAssertEqual(consumer.ackFloorStreamSequence, expected, "after acking \(sequence)")
            XCTAssertEqual(consumer.ackFloorConsumerSequence, expected, "after acking \(sequence)")
        }
    }

    func testTheFloorJumpsGapsOfMessagesTheConsumerDoesNotSee() {
        // Matching messages at 1, 42 and 83: far more than a short look past the last floor.
        var subjects: [String] = []
        for _ in 0..<3 { subjects += ["job.gpu"] + Array(repeating: "job.cpu", count: 40) }
        let consumer = makeConsumer(subjects: subjects, filter: "job.gpu")
        pull(consumer, batch: 3)
        XCTAssertEqual(consumer.pending.keys.sorted(), [1, 42, 83])
        consumer.acknowledge(1)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 41)
        XCTAssertEqual(consumer.ackFloorConsumerSequence, 1)
        consumer.acknowledge(83)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 41)
        consumer.acknowledge(42)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 83)
        XCTAssertEqual(consumer.ackFloorConsumerSequence, 3)
    }

    func testAFloorFoundBeforeMoreDeliveriesStillCountsThem() {
        let consumer = makeConsumer(subjects: Array(repeating: "job.cpu", count: 6))
        pull(consumer, batch: 2)
        consumer.acknowledge(1)
        consumer.acknowledge(2)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 2)
        pull(consumer, batch: 4)
        consumer.acknowledge(6)
        consumer.acknowledge(3)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 3)
        consumer.acknowledge(5)
        consumer.acknowledge(4)
        XCTAssertEqual(consumer.ackFloorStreamSequence, 6)
    }
}
