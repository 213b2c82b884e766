@testable import Client
@testable import Fleet
import XCTest

/// `ffrtmp setup`'s logic: declaring the fleet's streams and consumers idempotently.
final class JetStreamSetupTests: JetStreamTestCase {
    var setup: JetStreamSetup { JetStreamSetup(context: context) }

    func actions(_ outcomes: [SetupOutcome]) -> [String] {
        outcomes.map { "\($0.name) \($0.action.rawValue)" }
    }

    func testSetupCreatesTheFleetStreamsAndConsumers() throws {
        let outcomes = try setup.applyFleet()
        XCTAssertEqual(
            actions(outcomes),
            [
                "JOBS created", "JOBS/cpu created", "JOBS/cpu-high created", "JOBS/cpu-batch created",
                "JOBS/nvenc created", "JOBS/nvenc-high created", "JOBS/nvenc-batch created", "JOBS/qsv created",
                "JOBS/qsv-high created", "JOBS/qsv-batch created", "JOBS/vaapi created", "JOBS/vaapi-high created",
                "JOBS/vaapi-batch created", "EVENTS created", "RESULTS created", "CONTROL created",
                "JOB_ADVISORIES created",
            ])
        let jobs = try context.streamInfo("JOBS").config
        XCTAssertEqual(jobs.retention, .workqueue)
        XCTAssertEqual(jobs.storage, .file)
        XCTAssertEqual(jobs.duplicateWindow, .seconds(120))
        XCTAssertEqual(try context.streamInfo("RESULTS").config.maxAge, .seconds(30 * 86_400))
        XCTAssertEqual(try context.streamInfo("CONTROL").config.maxMessagesPerSubject, 1)
        XCTAssertEqual(jobs.maxBytes, -1, "a work queue must not drop jobs to make room")
        let nvenc = try context.consumerInfo(stream: "JOBS", consumer: "nvenc").config
        XCTAssertEqual(nvenc.filterSubject, "job.nvenc")
        XCTAssertEqual(nvenc.ackWait, .seconds(30))
        XCTAssertEqual(nvenc.maxDeliver, 5)
        XCTAssertEqual(nvenc.maxAckPending, 64)
        XCTAssertEqual(nvenc.ackPolicy, .explicit)
    }

    func testSetupBoundsTheStreamsAgentsWriteToSoNoAgentCanFillTheDisk() throws {
        _ = try setup.applyFleet()
        let bounds: [(String, Int64, Int32)] = [
            ("EVENTS", 1 << 30, 64 << 10), ("RESULTS", 4 << 30, 1 << 20), ("CONTROL", 64 << 20, 4 << 10),
        ]
        for (name, maxBytes, maxMessageSize) in bounds {
            let config = try context.streamInfo(name).config
            XCTAssertEqual(config.maxBytes, maxBytes, name)
            XCTAssertEqual(config.maxMessageSize, maxMessageSize, name)
            XCTAssertEqual(config.discard, .old, name)
        }
        let tooLarge = String(repeating: "x", count: (4 << 10) + 1)
        XCTAssertThrowsError(try context.publish("ctl.job.j1.cancel", payload: tooLarge))
    }

    func testSetupBringsAnUnboundedStreamDownToItsBoundsAndKeepsAnOperatorsTighterOnes() throws {
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"], maxAge: .seconds(7 * 86_400)))
        try context.addStream(
            StreamConfig(
                name: "RESULTS", subjects: ["result.>"], maxBytes: 1 << 20, maxAge: .seconds(30 * 86_400),
                maxMessageSize: 1 << 10))
        let outcomes = try setup.applyFleet()
        let events = try XCTUnwrap(outcomes.first { $0.name == "EVENTS" })
        XCTAssertEqual(
            events.changes,
            [
                SetupChange(field: "max_bytes", current: "-1", wanted: "1073741824"),
                SetupChange(field: "max_msg_size", current: "-1", wanted: "65536"),
            ])
        XCTAssertEqual(try context.streamInfo("EVENTS").config.maxBytes, 1 << 30)
        XCTAssertEqual(outcomes.first { $0.name == "RESULTS" }?.action, .unchanged)
        XCTAssertEqual(try context.streamInfo("RESULTS").config.maxBytes, 1 << 20)
        XCTAssertEqual(try context.streamInfo("RESULTS").config.maxMessageSize, 1 << 10)
    }

    func testRunningSetupTwiceChangesNothingTheSecondTime() throws {
        _ = try setup.applyFleet()
        let before = try FleetTopology.streams.map { try context.streamInfo($0.name).config }
        let second = try setup.applyFleet()
        XCTAssertEqual(second.map(\.action), Array(repeating: .unchanged, count: 17))
        XCTAssertEqual(try FleetTopology.streams.map { try context.streamInfo($0.name).config }, before)
    }

    func testADryRunReportsWithoutChangingAnything() throws {
        let outcomes = try JetStreamSetup(context: context, dryRun: true).applyFleet()
        XCTAssertEqual(Set(outcomes.map(\.action)), [.wouldCreate])
        XCTAssertEqual(try context.streamNames(), [])
    }

    func testSetupUpdatesADeclaredSettingThatDiffersAndKeepsTheRest() throws {
        try context.addStream(
            StreamConfig(
                name: "EVENTS", subjects: ["evt.>", "audit.>"], maxBytes: 1 << 30,
                maxAge: .seconds(86_400)))
        let outcome = try XCTUnwrap(setup.applyFleet().first { $0.name == "EVENTS" })
        XCTAssertEqual(outcome.action, .updated)
        XCTAssertEqual(
            outcome.changes,
            [
                SetupChange(field: "max_age", current: "1d", wanted: "7d"),
                SetupChange(field: "max_msg_size", current: "-1", wanted: "65536"),
            ])
        let config = try context.streamInfo("EVENTS").config
        XCTAssertEqual(config.maxAge, .seconds(7 * 86_400))
        XCTAssertEqual(config.subjects, ["evt.>", "audit.>"])
        XCTAssertEqual(config.maxBytes, 1 << 30)
    }

    func testSetupUpdatesAConsumerWhoseAckWaitDiffers() throws {
        _ = try setup.applyFleet()
        var cpu = FleetTopology.jobConsumers[0]
        cpu.ackWait = .seconds(5)
        try context.addOrUpdateConsumer(stream: "JOBS", cpu)
        let outcome = try XCTUnwrap(setup.applyFleet().first { $0.name == "JOBS/cpu" })
        XCTAssertEqual(outcome.action, .updated)
        XCTAssertEqual(outcome.changes, [SetupChange(field: "ack_wait", current: "5s", wanted: "30s")])
        XCTAssertEqual(try context.consumerInfo(stream: "JOBS", consumer: "cpu").config.ackWait, .seconds(30))
    }

    func testAStreamThatCannotBeChangedFailsWithWhatDiffersAndTheServersReason() throws {
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"], retention: .limits))
        let outcomes = try setup.applyFleet()
        let jobs = try XCTUnwrap(outcomes.first)
        XCTAssertEqual(jobs.action, .failed)
        let error = try XCTUnwrap(jobs.error)
        XCTAssertTrue(
            error.hasPrefix(
                "stream JOBS exists with different settings (retention limits → workqueue) "
                    + "and the server refused to change them: stream configuration update can not "
                    + "change retention policy"), error)
        XCTAssertEqual(outcomes.filter { $0.action == .skipped }.count, 12)
        XCTAssertEqual(outcomes.last?.action, .created)
    }

    func testTheControlStreamKeepsOnlyTheLastMessagePerSubject() throws {
        _ = try setup.applyFleet()
        try context.publish("ctl.job.1.cancel", payload: "first")
        try context.publish("ctl.job.1.cancel", payload: "second")
        XCTAssertEqual(try context.streamInfo("CONTROL").state.messages, 1)
    }

    func testDurationsArePrintedCompactly() {
        XCTAssertEqual(DurationText.format(.seconds(120)), "2m")
        XCTAssertEqual(DurationText.format(.seconds(7 * 86_400)), "7d")
        XCTAssertEqual(DurationText.format(.seconds(5400)), "1h30m")
        XCTAssertEqual(DurationText.format(.milliseconds(250)), "250ms")
        XCTAssertEqual(DurationText.format(.zero), "none")
    }
}
