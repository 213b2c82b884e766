@testable import Client
import TestSupport
import Wire
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Pull consumers: fetch, its status replies, and every kind of acknowledgement, against a real
/// JetStream server.
final class JetStreamPullTests: JetStreamTestCase {
    let clock = ContinuousClock()

    func publishJobs(_ count: Int, subject: String = "job.cpu") throws {
        for number in 1...count { try context.publish(subject, payload: "job \(number)") }
    }

    func testAFetchReturnsAFullBatchAtOnceWithMetadata() throws {
        let pull = try makeWorkQueue()
        try publishJobs(5)
        let start = clock.now
        let messages = try pull.fetch(batch: 3, expires: .seconds(2))
        XCTAssertLessThan(clock.now - start, .milliseconds(500))
        XCTAssertEqual(messages.map(\.string), ["job 1", "job 2", "job 3"])
        let last = messages[2].metadata
        XCTAssertEqual(last.stream, "JOBS")
        XCTAssertEqual(last.consumer, "cpu")
        XCTAssertEqual(last.deliveryCount, 1)
        XCTAssertEqual(last.streamSequence, 3)
        XCTAssertEqual(last.consumerSequence, 3)
        XCTAssertEqual(last.pending, 2)
        XCTAssertGreaterThan(last.timestamp, 1_600_000_000_000_000_000)
        XCTAssertEqual(messages[0].subject, "job.cpu")
    }

    func testAFetchWithNoWaitReturnsWhatIsThereAtOnce() throws {
        let pull = try makeWorkQueue()
        let start = clock.now
        XCTAssertEqual(try pull.fetch(batch: 4, noWait: true).count, 0)
        try publishJobs(2)
        XCTAssertEqual(try pull.fetch(batch: 4, noWait: true).map(\.string), ["job 1", "job 2"])
        XCTAssertLessThan(clock.now - start, .milliseconds(500))
    }

    func testAFetchEndsWhenTheServersRequestTimeoutArrives() throws {
        let pull = try makeWorkQueue()
        try publishJobs(1)
        let start = clock.now
        let messages = try pull.fetch(batch: 10, expires: .milliseconds(300))
        let elapsed = clock.now - start
        XCTAssertEqual(messages.count, 1)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(250))
        // The 408 ends the fetch; without it the client would wait another second.
        XCTAssertLessThan(elapsed, .milliseconds(900))
    }

    func testAStaleStatusOrAHeartbeatDoesNotEndAFetch() throws {
        let pull = try makeWorkQueue()
        let other = try connect()
        // Request 0 never existed (as if an earlier fetch gave up); request 1 is the fetch below.
        let staleTimeout = HeaderBlock(status: 408, description: "Request Timeout")
        try other.publish(pull.prefix + "0", payload: [], headers: staleTimeout)
        let heartbeat = HeaderBlock(status: 100, description: "Idle Heartbeat")
        try other.publish(pull.prefix + "1", payload: [], headers: heartbeat)
        try other.flush()
        let publisher = JetStreamContext(connection: other)
        let thread = ClientThread.start {
            usleep(200_000)
            _ = try? publisher.publish("job.cpu", payload: "late")
        }
        defer { thread.join() }
        let messages = try pull.fetch(batch: 1, expires: .seconds(2))
        XCTAssertEqual(messages.map(\.string), ["late"])
    }

    func testAckRemovesTheMessageFromTheWorkQueue() throws {
        let pull = try makeWorkQueue()
        try publishJobs(2)
        let messages = try pull.fetch(batch: 2, expires: .seconds(1))
        try messages[0].ackSync()
        try messages[1].ack()
        try context.connection.flush()
        XCTAssertTrue(eventually { (try? self.context.streamInfo("JOBS").state.messages) == 0 })
        XCTAssertEqual(try context.consumerInfo(stream: "JOBS", consumer: "cpu").ackFloor.streamSequence, 2)
    }

    func testSettlingAMessageTwiceThrows() throws {
        let pull = try makeWorkQueue()
        try publishJobs(1)
        let message = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        try message.ack()
        XCTAssertTrue(message.isSettled)
        XCTAssertThrowsError(try message.nak()) { XCTAssertEqual($0 as? JetStreamError, .alreadyAcknowledged) }
        XCTAssertThrowsError(try message.inProgress()) { XCTAssertEqual($0 as? JetStreamError, .alreadyAcknowledged) }
    }

    func testANakRedeliversWithAHigherDeliveryCount() throws {
        let pull = try makeWorkQueue()
        try publishJobs(1)
        let first = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        try first.nak()
        let again = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        XCTAssertEqual(again.string, "job 1")
        XCTAssertEqual(again.metadata.deliveryCount, 2)
        XCTAssertEqual(again.metadata.streamSequence, 1)
        XCTAssertGreaterThan(again.metadata.consumerSequence, first.metadata.consumerSequence)
    }

    func testANakWithADelayHoldsTheMessageBack() throws {
        let pull = try makeWorkQueue()
        try publishJobs(1)
        let first = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        try first.nak(delay: .milliseconds(700))
        XCTAssertEqual(try pull.fetch(batch: 1, expires: .milliseconds(300)).count, 0)
        let again = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(2)).first)
        XCTAssertEqual(again.metadata.deliveryCount, 2)
    }

    func testUnacknowledgedMessagesComeBackAfterAckWait() throws {
        let pull = try makeWorkQueue(ackWait: .seconds(1))
        try publishJobs(1)
        let start = clock.now
        _ = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        let again = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(3)).first)
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(900))
        XCTAssertEqual(again.metadata.deliveryCount, 2)
    }

    func testInProgressRestartsTheAckTimer() throws {
        let pull = try makeWorkQueue(ackWait: .seconds(1))
        try publishJobs(1)
        let message = try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first)
        usleep(600_000)
        try message.inProgress()
        // Without +WPI it would come back 1 s after delivery, within this fetch.
        XCTAssertEqual(try pull.fetch(batch: 1, expires: .milliseconds(700)).count, 0)
        try message.ackSync()
    }

    func testTermStopsRedelivery() throws {
        let pull = try makeWorkQueue(ackWait: .seconds(1))
        try publishJobs(1)
        try XCTUnwrap(pull.fetch(batch: 1, expires: .seconds(1)).first).term()
        XCTAssertEqual(try pull.fetch(batch: 1, expires: .milliseconds(1500)).count, 0)
    }

    func testAFetchFromAMissingConsumerThrowsConsumerNotFound() throws {
        try makeWorkQueue()
        let pull = try PullSubscription(context: context, stream: "JOBS", consumer: "nope")
        XCTAssertThrowsError(try pull.fetch(batch: 1, noWait: true)) {
            XCTAssertEqual($0 as? JetStreamError, .consumerNotFound(stream: "JOBS", consumer: "nope"))
        }
        assertServerError(10014, code: 404, description: "consumer not found") {
            try context.pullSubscribe(stream: "JOBS", consumer: "nope")
        }
    }

    func testDeletingTheConsumerEndsAWaitingFetchWithA409() throws {
        let pull = try makeWorkQueue()
        let admin = JetStreamContext(connection: try connect())
        let thread = ClientThread.start {
            usleep(200_000)
            try? admin.deleteConsumer(stream: "JOBS", consumer: "cpu")
        }
        defer { thread.join() }
        XCTAssertThrowsError(try pull.fetch(batch: 1, expires: .seconds(3))) {
            XCTAssertEqual($0 as? JetStreamError, .pullRefused(status: 409, description: "Consumer Deleted"))
        }
    }

    func testAConsumerIsCreatedUpdatedAndDescribed() throws {
        try makeWorkQueue()
        var config = ConsumerConfig(
            durableName: "cpu", ackWait: .seconds(10), maxDeliver: 5, filterSubject: "job.cpu",
            maxAckPending: 64)
        let updated = try context.addOrUpdateConsumer(stream: "JOBS", config)
        XCTAssertEqual(updated.config.ackWait, .seconds(10))
        XCTAssertEqual(updated.config.maxAckPending, 64)
        XCTAssertEqual(try context.consumerNames(stream: "JOBS"), ["cpu"])
        config.durableName = "gpu"
        assertServerError(10100, code: 400, description: "filtered consumer not unique on workqueue stream") {
            try context.addOrUpdateConsumer(stream: "JOBS", config)
        }
        try context.deleteConsumer(stream: "JOBS", consumer: "cpu")
        assertServerError(10014, code: 404) { try context.consumerInfo(stream: "JOBS", consumer: "cpu") }
    }

    func testMetadataIsReadFromBothAckSubjectForms() {
        let short = JetStreamMessageMetadata(replySubject: "$JS.ACK.JOBS.cpu.3.17.9.1700000000000000000.4")
        XCTAssertEqual(
            short,
            JetStreamMessageMetadata(
                stream: "JOBS", consumer: "cpu", deliveryCount: 3,
                streamSequence: 17, consumerSequence: 9,
                timestamp: 1_700_000_000_000_000_000, pending: 4))
        let long = JetStreamMessageMetadata(
            replySubject: "$JS.ACK.hub.ACCHASH.JOBS.cpu.1.2.3.1700000000000000000.0.xyz")
        XCTAssertEqual(long?.domain, "hub")
        XCTAssertEqual(long?.stream, "JOBS")
        XCTAssertEqual(long?.streamSequence, 2)
        XCTAssertNil(JetStreamMessageMetadata(replySubject: "$JS.ACK._.HASH.JOBS.cpu.1.2.3.4.0")?.domain)
        XCTAssertNil(JetStreamMessageMetadata(replySubject: "_INBOX.abc.1"))
        XCTAssertNil(JetStreamMessageMetadata(replySubject: "$JS.ACK.JOBS.cpu.x.2.3.4.0"))
    }
}
