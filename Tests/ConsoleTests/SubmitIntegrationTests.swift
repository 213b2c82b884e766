import Broker
import Client
import Console
import Fleet
import Model
import Support
import TestSupport
import XCTest

/// Submitting against a real broker: jobs land on their capability's queue de-duplicated by id, a
/// `queued` event follows each, a waiter hears an agent's events and results, and the history and
/// cancel requests are where agents and late commands look for them.
final class SubmitIntegrationTests: XCTestCase {
    private var broker: TestBroker!
    private var connection: NATSConnection!
    private var context: JetStreamContext!

    override func setUpWithError() throws {
        broker = try TestBroker()
        connection = try NATSConnection.connect(url: "nats://127.0.0.1:\(broker.port)")
        context = JetStreamContext(connection: connection)
        _ = try JetStreamSetup(context: context).applyFleet()
    }

    override func tearDown() {
        connection?.close()
        broker?.shutdown()
        broker = nil
    }

    private func jobs(_ id: String) throws -> [Job] {
        var draft = JobDraft()
        draft.scenario = "720p30-h264"
        draft.duration = "2"
        var matrix = JobMatrix(base: draft)
        try matrix.set(.encoder, list: "libx264,h264_nvenc")
        return try matrix.jobs(id: id, submittedAt: 5, validator: JobValidator(policy: .submitter))
    }

    func testJobsAreQueuedPerCapabilityOnceWithAQueuedEventEach() throws {
        let submitter = JobSubmitter(context: context)
        let first = submitter.submit(try jobs("run1"), at: 7)
        XCTAssertEqual(first.map(\.jobID), ["run1-libx264", "run1-h264_nvenc"])
        XCTAssertEqual(first.map(\.subject), ["job.cpu", "job.nvenc"])
        XCTAssertEqual(first.map(\.isDuplicate), [false, false])
        XCTAssertTrue(first.allSatisfy { $0.queuedEventError == nil })
        let queued = JobHistory.lastEvents(of: "run1-libx264", states: [.queued], in: context)
        XCTAssertEqual(queued, [JobEvent(jobID: "run1-libx264", state: .queued, at: 7)])

        let again = submitter.submit(try jobs("run1"), at: 8)
        XCTAssertEqual(again.map(\.isDuplicate), [true, true], "the stream de-duplicates by id")
        XCTAssertEqual(
            JobHistory.lastEvents(of: "run1-libx264", states: [.queued], in: context).map(\.at), [7],
            "a duplicate gets no second queued event")

        // What an agent pulls is exactly the job, and it passes the agent's validation.
        let pull = try context.pullSubscribe(stream: FleetTopology.jobsStream, consumer: "cpu")
        let pulled = try pull.fetch(batch: 10, expires: .seconds(1))
        XCTAssertEqual(pulled.count, 1)
        XCTAssertEqual(pulled.first?.headers?.fields.first { $0.name == "Nats-Msg-Id" }?.value, "run1-libx264")
        guard case .success(let spec) = JobValidator().validate(message: try XCTUnwrap(pulled.first).payload) else {
            return XCTFail("the agent's validator refused the job")
        }
        XCTAssertEqual(spec.encoder, .libx264)
        XCTAssertEqual(spec.durationSeconds, 2)
    }

    func testAWaiterHearsEventsAndResultsOfItsJobsOnly() throws {
        let inbox = MessageInbox()
        try connection.subscribe("evt.job.w-1.>", into: inbox)
        try connection.subscribe("result.>", into: inbox)
        try connection.flush()
        var tracker = JobTracker(jobIDs: ["w-1"])
        let agent = try NATSConnection.connect(url: "nats://127.0.0.1:\(broker.port)")
        defer { agent.close() }
        for (subject, message) in [
            ("evt.job.w-1.started", try MessageCoding.encode(ConsoleFixtures.event("w-1", .started))),
            ("result.node-1", try MessageCoding.encode(ConsoleFixtures.result("someone-else"))),
            ("result.node-1", try MessageCoding.encode(ConsoleFixtures.result("w-1"))),
        ] {
            try agent.publish(subject, payload: message)
        }
        try agent.flush()
        var updates: [JobTracker.Update] = []
        while !tracker.isComplete {
            let message = try inbox.next(timeout: .seconds(5))
            if let update = tracker.receive(subject: message.subject, payload: message.payload) {
                updates.append(update)
            }
        }
        XCTAssertEqual(
            updates, [.event(ConsoleFixtures.event("w-1", .started)), .result(ConsoleFixtures.result("w-1"))])
        XCTAssertTrue(tracker.allSucceeded)
    }

    func testTheHistoryFindsAFinalEventButNotARetry() throws {
        XCTAssertNil(JobHistory.finalEvent(of: "h-1", in: context))
        let retry = ConsoleFixtures.event(
            "h-1", .failed, at: 10, message: "attempt 1 of 3 failed, retrying: exit 1", willRetry: true)
        try context.publish(retry.subject, payload: MessageCoding.encode(retry))
        XCTAssertNil(JobHistory.finalEvent(of: "h-1", in: context))
        let done = ConsoleFixtures.event("h-1", .succeeded, attempt: 2, at: 20)
        try context.publish(done.subject, payload: MessageCoding.encode(done))
        XCTAssertEqual(JobHistory.finalEvent(of: "h-1", in: context), done)
    }

    func testACancelRequestIsKeptWhereAnAgentChecksBeforeStarting() throws {
        let subject = Subjects.cancel(jobID: "c-1")
        XCTAssertNil(try context.lastMessage(stream: FleetTopology.controlStream, subject: subject))
        let ack = try context.publish(subject, payload: [UInt8]())
        XCTAssertEqual(ack.stream, FleetTopology.controlStream)
        XCTAssertEqual(
            try context.lastMessage(stream: FleetTopology.controlStream, subject: subject)?.sequence, ack.sequence)
    }
}
