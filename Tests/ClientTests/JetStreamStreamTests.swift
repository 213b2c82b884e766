@testable import Client
import XCTest

/// Stream management against a real JetStream server (nats-server, or ffrtmp's broker with
/// `FFRTMP_BROKER_BIN`).
final class JetStreamStreamTests: JetStreamTestCase {
    func testAddingAStreamReportsItsConfigurationAndInfoFindsIt() throws {
        let created = try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"], maxAge: .seconds(3600)))
        XCTAssertTrue(created.didCreate)
        XCTAssertEqual(created.config.subjects, ["evt.>"])
        XCTAssertEqual(created.config.maxAge, .seconds(3600))
        XCTAssertEqual(created.config.duplicateWindow, .seconds(120))
        let info = try context.streamInfo("EVENTS")
        XCTAssertEqual(info.config.retention, .limits)
        XCTAssertEqual(info.config.storage, .file)
        XCTAssertEqual(info.state.messages, 0)
        XCTAssertFalse(info.didCreate)
    }

    func testAddingTheSameStreamTwiceSucceedsAndADifferentConfigurationIsRefused() throws {
        let config = StreamConfig(name: "EVENTS", subjects: ["evt.>"])
        try context.addStream(config)
        // nats-server answers an identical create with did_create true again; ffrtmp broker leaves it out.
        XCTAssertEqual(try context.addStream(config).config, try context.streamInfo("EVENTS").config)
        var different = config
        different.maxMessages = 10
        assertServerError(10058, code: 400, description: "stream name already in use with a different configuration") {
            try context.addStream(different)
        }
    }

    func testAStreamWithAMaxAgeUnderTwoMinutesIsAcceptedWithTheServersDuplicateWindow() throws {
        // An explicit 2-minute window would be refused by nats-server ("duplicates window can not be
        // larger then max age"); the default leaves the window to the server.
        let created = try context.addStream(StreamConfig(name: "SHORT", subjects: ["short"], maxAge: .seconds(60)))
        XCTAssertEqual(created.config.maxAge, .seconds(60))
        XCTAssertGreaterThan(created.config.duplicateWindow, .zero)
    }

    func testInfoOnAMissingStreamThrowsTheServersStreamNotFoundError() {
        assertServerError(10059, code: 404, description: "stream not found") { try context.streamInfo("NOPE") }
        assertServerError(10059, code: 404) { try context.deleteStream("NOPE") }
    }

    func testOverlappingSubjectsAreRefusedWithErrorCode10065() throws {
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"]))
        assertServerError(10065, code: 400, description: "subjects overlap with an existing stream") {
            try context.addStream(StreamConfig(name: "CPU", subjects: ["job.cpu"]))
        }
    }

    func testDeletingAStreamRemovesIt() throws {
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"]))
        try context.deleteStream("EVENTS")
        assertServerError(10059, code: 404) { try context.streamInfo("EVENTS") }
        XCTAssertEqual(try context.streamNames(), [])
    }

    func testPurgingAStreamRemovesItsMessages() throws {
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"]))
        for number in 1...3 { try context.publish("evt.job.\(number)", payload: "x") }
        XCTAssertEqual(try context.purgeStream("EVENTS"), 3)
        XCTAssertEqual(try context.streamInfo("EVENTS").state.messages, 0)
    }

    func testStreamNamesCanBeFilteredBySubject() throws {
        try context.addStream(StreamConfig(name: "JOBS", subjects: ["job.>"]))
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"]))
        XCTAssertEqual(try context.streamNames().sorted(), ["EVENTS", "JOBS"])
        XCTAssertEqual(try context.streamNames(subject: "job.cpu"), ["JOBS"])
        XCTAssertEqual(try context.streamNames(subject: "nothing.here"), [])
    }

    func testUpdatingAStreamChangesWhatTheServerAllows() throws {
        try context.addStream(StreamConfig(name: "EVENTS", subjects: ["evt.>"], maxAge: .seconds(600)))
        let longer = StreamConfig(name: "EVENTS", subjects: ["evt.>"], maxAge: .seconds(3600))
        let updated = try context.updateStream(longer)
        XCTAssertEqual(updated.config.maxAge, .seconds(3600))
        XCTAssertThrowsError(
            try context.updateStream(
                StreamConfig(
                    name: "EVENTS", subjects: ["evt.>"],
                    storage: .memory))
        ) { error in
            XCTAssertEqual((error as? JetStreamError)?.errCode, 10052)
            XCTAssertEqual("\(error)", "stream configuration update can not change storage type")
        }
        XCTAssertThrowsError(
            try context.updateStream(
                StreamConfig(
                    name: "EVENTS", subjects: ["evt.>"],
                    retention: .workqueue))
        ) { error in
            XCTAssertEqual((error as? JetStreamError)?.errCode, 10052)
            XCTAssertTrue(
                "\(error)".hasPrefix("stream configuration update can not change retention policy"),
                "\(error)")
        }
    }

    func testAccountInfoCountsStreamsAndConsumers() throws {
        try makeWorkQueue()
        let info = try context.accountInfo()
        XCTAssertEqual(info.streams, 1)
        XCTAssertEqual(info.consumers, 1)
        XCTAssertGreaterThan(info.apiTotal, 0)
    }

    func testNamesThatWouldChangeTheAPISubjectAreRefusedBeforeSending() {
        XCTAssertThrowsError(try context.streamInfo("A.B")) { error in
            guard case .invalidArgument = error as? JetStreamError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try context.addStream(StreamConfig(name: "", subjects: ["x"])))
    }

    func testAServerWithoutJetStreamIsReportedAsNotEnabled() throws {
        let plain = try NATSServerProcess()
        defer { plain.stop() }
        let connection = try NATSConnection.connect(url: plain.url, options: testOptions())
        connections.append(connection)
        XCTAssertThrowsError(try JetStreamContext(connection: connection).accountInfo()) {
            XCTAssertEqual($0 as? JetStreamError, .notEnabled)
            XCTAssertEqual("\($0)", "JetStream is not enabled on the server")
        }
    }
}
