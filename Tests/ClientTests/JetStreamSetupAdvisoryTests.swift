@testable import Client
@testable import Fleet
import TestSupport
import XCTest

/// The JOB_ADVISORIES stream `ffrtmp setup` declares: it must capture the advisories the server
/// itself publishes when a job runs out of deliveries or is terminated, on nats-server and on our
/// broker (`FFRTMP_BROKER_BIN`).
final class JetStreamSetupAdvisoryTests: JetStreamTestCase {
    struct Advisory: Decodable, Equatable {
        var stream: String
        var consumer: String
        var stream_seq: UInt64
    }

    func testSetupDeclaresTheAdvisoryStreamWithoutAcksAndBounded() throws {
        _ = try JetStreamSetup(context: context).applyFleet()
        let config = try context.streamInfo(FleetTopology.advisoriesStream).config
        XCTAssertTrue(config.noAck)
        XCTAssertEqual(config.subjects, FleetTopology.advisorySubjects)
        XCTAssertEqual(config.retention, .limits)
        XCTAssertEqual(config.maxBytes, 64 << 20)
        XCTAssertEqual(config.maxAge, .seconds(7 * 86_400))
        XCTAssertFalse(try context.streamInfo(FleetTopology.eventsStream).config.noAck)
    }

    func testAJobOutOfDeliveriesAndATerminatedJobLeaveTheirAdvisoriesStoredInTheAdvisoryStream() throws {
        _ = try JetStreamSetup(context: context).applyFleet()
        var cpu = FleetTopology.jobConsumers[0]
        cpu.ackWait = .milliseconds(500)
        cpu.maxDeliver = 1
        try context.addOrUpdateConsumer(stream: FleetTopology.jobsStream, cpu)
        try context.publish("job.cpu", payload: "left to run out")
        try context.publish("job.cpu", payload: "terminated")
        let pull = try context.pullSubscribe(stream: FleetTopology.jobsStream, consumer: "cpu")
        let delivered = try pull.fetch(batch: 2, expires: .seconds(2))
        XCTAssertEqual(delivered.map(\.string), ["left to run out", "terminated"])
        try delivered[1].term()
        // nats-server gives up on a message when a waiting pull request would get it again.
        XCTAssertEqual(try pull.fetch(batch: 1, expires: .seconds(2)).count, 0)
        XCTAssertTrue(
            eventually { (try? self.context.streamInfo(FleetTopology.advisoriesStream).state.messages) == 2 })
        for (kind, sequence) in [("MAX_DELIVERIES", UInt64(1)), ("MSG_TERMINATED", 2)] {
            let subject = "$JS.EVENT.ADVISORY.CONSUMER.\(kind).JOBS.cpu"
            let stored = try XCTUnwrap(
                context.lastMessage(stream: FleetTopology.advisoriesStream, subject: subject), subject)
            XCTAssertEqual(
                try JSONDecoder().decode(Advisory.self, from: Data(stored.payload)),
                Advisory(stream: "JOBS", consumer: "cpu", stream_seq: sequence), subject)
        }
    }

    func testSetupTurnsNoAckOnForAnAdvisoryStreamMadeWithoutIt() {
        let made = StreamConfig(name: FleetTopology.advisoriesStream, subjects: FleetTopology.advisorySubjects)
        let declared = FleetTopology.streams.first { $0.name == FleetTopology.advisoriesStream }!
        XCTAssertTrue(
            JetStreamSetup.streamChanges(from: made, to: declared, replicasDeclared: false).contains(
                SetupChange(field: "no_ack", current: "false", wanted: "true")))
        XCTAssertTrue(JetStreamSetup.merge(declared, into: made, replicasDeclared: false).noAck)
    }

    func testNoAckIsEncodedOnlyWhenSetAndDecodesAsFalseWhenAbsent() throws {
        let absent = try JSONDecoder().decode(StreamConfig.self, from: Data(#"{"name":"S"}"#.utf8))
        XCTAssertFalse(absent.noAck)
        let set = try JSONDecoder().decode(StreamConfig.self, from: Data(#"{"name":"S","no_ack":true}"#.utf8))
        XCTAssertTrue(set.noAck)
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(absent), as: UTF8.self).contains("no_ack"))
        XCTAssertTrue(String(decoding: try JSONEncoder().encode(set), as: UTF8.self).contains(#""no_ack":true"#))
    }
}
