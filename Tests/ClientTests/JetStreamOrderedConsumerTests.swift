@testable import Client
import XCTest

/// Ordered consumers: every message on the filter once, in stream order, through a lost consumer.
final class JetStreamOrderedConsumerTests: JetStreamTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"]))
    }

    func publish(_ bodies: ClosedRange<Int>, job: String = "j1") throws {
        for body in bodies { try context.publish("evt.job.\(job).progress", payload: "\(body)") }
    }

    /// Polls until `count` messages came (or 5 s passed).
    func read(_ consumer: JetStreamOrderedConsumer, count: Int) -> [String] {
        var bodies: [String] = []
        let deadline = ContinuousClock().now + .seconds(5)
        while bodies.count < count && ContinuousClock().now < deadline {
            bodies += ((try? consumer.poll(wait: .milliseconds(200))) ?? []).map(\.string)
        }
        return bodies
    }

    func testAnOrderedConsumerReadsItsSubjectsFromTheStartInOrder() throws {
        try publish(1...3)
        try publish(1...2, job: "other")
        try publish(4...5)
        let consumer = JetStreamOrderedConsumer(context: context, stream: "EVENTS", filter: "evt.job.j1.>")
        XCTAssertEqual(read(consumer, count: 5), ["1", "2", "3", "4", "5"])
        XCTAssertEqual(consumer.lastStreamSequence, 7)
        XCTAssertEqual(try consumer.poll(wait: .milliseconds(100)).count, 0)
    }

    func testAnOrderedConsumerCanStartAtALaterSequence() throws {
        try publish(1...4)
        let consumer = JetStreamOrderedConsumer(
            context: context, stream: "EVENTS", filter: "evt.job.j1.>", startSequence: 3)
        XCTAssertEqual(read(consumer, count: 2), ["3", "4"])
    }

    func testALostConsumerIsReplacedFromTheLastSequenceWithoutRepeatsOrGaps() throws {
        try publish(1...3)
        let consumer = JetStreamOrderedConsumer(context: context, stream: "EVENTS", filter: "evt.job.j1.>")
        XCTAssertEqual(read(consumer, count: 3), ["1", "2", "3"])
        for name in try context.consumerNames(stream: "EVENTS") {
            try context.deleteConsumer(stream: "EVENTS", consumer: name)
        }
        try publish(4...6)
        XCTAssertEqual(read(consumer, count: 3), ["4", "5", "6"])
        XCTAssertEqual(consumer.consumersCreated, 2)
    }
}
