@testable import Agent
import Client
import Model
import Support
import TestSupport
import XCTest

/// A job runs once and is succeeded once, even when a settlement was lost and the job came back.
extension AgentOrchestrationTests {
    func testARedeliveredJobThatAlreadySucceededIsAcknowledgedWithoutRunningAgain() throws {
        let context = JetStreamContext(connection: observer)
        try submit(Job(id: "done-1", scenario: "720p30-h264", durationSeconds: 2))
        // A first delivery, handed back: the agent will see delivery 2.
        let first = try context.pullSubscribe(stream: "JOBS", consumer: "cpu").fetch(batch: 1, expires: .seconds(2))
        XCTAssertTrue(try XCTUnwrap(first.first).settleConfirmed(.nak(delay: nil), within: .seconds(2)).isConfirmed)
        // That earlier delivery had succeeded: EVENTS says so (its ack was what got lost).
        let success = JobEvent(
            jobID: "done-1", nodeID: "node-0", state: .succeeded, at: Timestamp.nowNanoseconds(), attempt: 1)
        try context.publish(success.subject, payload: MessageCoding.encode(success))
        let executor = ScriptedExecutor()
        try startAgent(executor: executor)
        _ = try eventually(timeout: .seconds(5)) { try context.streamInfo("JOBS").state.messages == 0 }
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 0, "acknowledged")
        usleep(300_000)
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 0, "not run a second time")
        XCTAssertEqual(results.items.count, 0, "no second result")
    }

    func testARedeliveredJobWaitsForAnEarlierAttemptStillConfirmingItsSuccess() throws {
        let context = JetStreamContext(connection: observer)
        try submit(Job(id: "late-1", scenario: "720p30-h264", durationSeconds: 2))
        try handBackFirstDelivery(context)
        let executor = ScriptedExecutor()
        try startAgent(executor: executor) { $0.redeliveryGrace = 20 }
        _ = eventually(timeout: .seconds(5)) { agent.currentPhase == .running }
        usleep(700_000)
        // The earlier attempt's agent confirms its ack only now, and stores its success after it.
        try publishEvent(
            JobEvent(jobID: "late-1", nodeID: "node-0", state: .succeeded, at: Timestamp.nowNanoseconds(), attempt: 1),
            context)
        _ = try eventually(timeout: .seconds(5)) { try context.streamInfo("JOBS").state.messages == 0 }
        XCTAssertEqual(try context.streamInfo("JOBS").state.messages, 0, "acknowledged")
        usleep(300_000)
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 0, "not run a second time")
    }

    func testARedeliveredJobWhoseEarlierAttemptHandedItBackRunsWithoutWaiting() throws {
        let context = JetStreamContext(connection: observer)
        try submit(Job(id: "retry-1", scenario: "720p30-h264", durationSeconds: 2))
        try handBackFirstDelivery(context)
        try publishEvent(
            JobEvent(
                jobID: "retry-1", nodeID: "node-0", state: .failed, at: Timestamp.nowNanoseconds(), attempt: 1,
                message: "scripted", willRetry: true), context)
        let executor = ScriptedExecutor()
        try startAgent(executor: executor) { $0.redeliveryGrace = 60 }
        XCTAssertEqual(waitForResults(1, seconds: 15).map(\.jobID), ["retry-1"], "run well before the 60 s grace")
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 1)
    }

    func testARedeliveredJobWhoseEarlierAttemptNeverReportedRunsAfterTheGrace() throws {
        let context = JetStreamContext(connection: observer)
        try submit(Job(id: "lost-1", scenario: "720p30-h264", durationSeconds: 2))
        try handBackFirstDelivery(context)
        let executor = ScriptedExecutor()
        let started = Clock.monotonicNanoseconds()
        try startAgent(executor: executor) { $0.redeliveryGrace = 1 }
        XCTAssertEqual(waitForResults(1, seconds: 15).map(\.jobID), ["lost-1"])
        XCTAssertGreaterThanOrEqual(Clock.monotonicNanoseconds() - started, 1_000_000_000, "after the grace")
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 1)
    }

    /// Takes the first delivery of the one queued job and hands it back, so the agent sees delivery 2.
    private func handBackFirstDelivery(_ context: JetStreamContext) throws {
        let first = try context.pullSubscribe(stream: "JOBS", consumer: "cpu").fetch(batch: 1, expires: .seconds(2))
        XCTAssertTrue(try XCTUnwrap(first.first).settleConfirmed(.nak(delay: nil), within: .seconds(2)).isConfirmed)
    }

    private func publishEvent(_ event: JobEvent, _ context: JetStreamContext) throws {
        _ = try context.publish(event.subject, payload: MessageCoding.encode(event))
    }

    func testAJobRunTwiceStoresOneResult() throws {
        try startAgent()
        _ = eventually(timeout: .seconds(5)) { agent.currentPhase == .running }
        let rejection = JobRejection(field: "input", reason: "scripted", jobID: "twice-1")
        for attempt in [1, 2] {
            agent.deliver(
                JobResult.rejected(
                    rejection, jobID: "twice-1", nodeID: "node-1", attempt: attempt, queuedAt: nil,
                    finishedAt: Timestamp.nowNanoseconds()))
        }
        let state = try JetStreamContext(connection: observer).streamInfo("RESULTS").state
        XCTAssertEqual(state.messages, 1, "the second run's result is a duplicate of the job's first")
    }

    func testEveryLifecycleEventIsStoredAndTheLastSaysTheAckWasConfirmed() throws {
        try startAgent()
        try submit(Job(id: "kept-1", scenario: "720p30-h264", durationSeconds: 2))
        XCTAssertEqual(waitForResults(1).map(\.jobID), ["kept-1"])
        let context = JetStreamContext(connection: observer)
        var final: JobEvent?
        let deadline = Clock.monotonicNanoseconds() + 5_000_000_000
        while final == nil && Clock.monotonicNanoseconds() < deadline {
            final = try context.lastMessage(stream: "EVENTS", subject: "evt.job.kept-1.succeeded").map {
                try MessageCoding.decode(JobEvent.self, from: $0.payload)
            }
            usleep(20_000)
        }
        XCTAssertEqual(final?.ackConfirmed, true)
        let node = try XCTUnwrap(final?.nodeID)
        XCTAssertNotNil(try context.lastMessage(stream: "EVENTS", subject: "evt.job.kept-1.started.\(node)"))
        XCTAssertNil(try context.lastMessage(stream: "EVENTS", subject: "evt.job.kept-1.started"), "the older form")
    }
}
