@testable import Client
import Net
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Confirmed settlements and publishes through a leader election, played by a plain nats-server:
/// nobody answers the ack (or stream) subject for a while, as while a JetStream leader is elected,
/// then a stand-in leader subscribes and answers.
final class JetStreamConfirmationTests: XCTestCase {
    var server: NATSServerProcess!
    var connections: [NATSConnection] = []
    var threads: [pthread_t] = []
    let ackSubject = "$JS.ACK.JOBS.cpu.1.7.7.1764130221500000000.0"

    override func setUpWithError() throws {
        server = try NATSServerProcess()
    }

    override func tearDown() {
        for thread in threads { SystemThread.join(thread) }
        threads = []
        for connection in connections { connection.close() }
        connections = []
        server?.stop()
        server = nil
    }

    func connect() throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: server.url, options: testOptions())
        connections.append(connection)
        return connection
    }

    /// A delivered job message whose acks go to `ackSubject`.
    func delivered(on connection: NATSConnection) throws -> JetStreamMessage {
        try XCTUnwrap(JetStreamMessage(Message(subject: "job.cpu", reply: ackSubject), connection: connection))
    }

    /// From `after` on, answers every message on `subject` with `answer` and records its body.
    func leader(
        on subject: String, after delay: Duration, answer: String = "", bodies: Collector<String>? = nil
    ) throws {
        let connection = try connect()
        later(after: delay) {
            _ = try? connection.subscribe(subject) { message in
                bodies?.append(message.string)
                if let reply = message.reply { try? connection.publish(reply, payload: answer) }
            }
            try? connection.flush()
        }
        if delay == .zero { threads.forEach(SystemThread.join); threads = [] }
    }

    /// Runs `body` on its own thread after `delay`; joined in `tearDown`.
    func later(after delay: Duration, _ body: @escaping @Sendable () -> Void) {
        threads.append(
            SystemThread.start(name: "stand-in") {
                usleep(UInt32(delay.nanoseconds / 1000))
                body()
            })
    }

    func testAnAckNobodyAnswersIsSentAgainUntilANewLeaderConfirmsIt() throws {
        let agent = try connect()
        let bodies = Collector<String>()
        try leader(on: ackSubject, after: .milliseconds(600), bodies: bodies)
        let message = try delivered(on: agent)
        let confirmation = try message.settleConfirmed(.ack, within: .seconds(5), retryWait: .milliseconds(50))
        guard case .confirmed(let tries) = confirmation else { return XCTFail("not confirmed: \(confirmation)") }
        XCTAssertGreaterThan(tries, 1, "the first tries found no leader")
        XCTAssertEqual(bodies.all, ["+ACK"])
        XCTAssertTrue(message.isSettled)
    }

    func testANakAndATermAreConfirmedWithTheirOwnBodies() throws {
        let agent = try connect()
        let bodies = Collector<String>()
        try leader(on: ackSubject, after: .zero, bodies: bodies)
        usleep(100_000)
        XCTAssertTrue(
            try delivered(on: agent).settleConfirmed(.nak(delay: .seconds(2)), within: .seconds(3)).isConfirmed)
        XCTAssertTrue(try delivered(on: agent).settleConfirmed(.term, within: .seconds(3)).isConfirmed)
        XCTAssertEqual(bodies.all, ["-NAK {\"delay\":2000000000}", "+TERM"])
    }

    func testAnAckNeverConfirmedIsReportedUnconfirmedWhenTheWindowEnds() throws {
        let agent = try connect()
        let clock = ContinuousClock()
        let start = clock.now
        let confirmation = try delivered(on: agent).settleConfirmed(
            .ack, within: .milliseconds(700), retryWait: .milliseconds(50))
        guard case .unconfirmed(let tries, let error) = confirmation else {
            return XCTFail("confirmed without a leader: \(confirmation)")
        }
        XCTAssertGreaterThan(tries, 1)
        XCTAssertTrue(error.contains("leader"), error)
        XCTAssertLessThan(clock.now - start, .seconds(2))
    }

    func testAMessageSettledOnceCannotBeSettledAgain() throws {
        let agent = try connect()
        let message = try delivered(on: agent)
        _ = try message.settleConfirmed(.ack, within: .milliseconds(100))
        XCTAssertThrowsError(try message.settleConfirmed(.ack, within: .milliseconds(100))) { error in
            XCTAssertEqual(error as? JetStreamError, .alreadyAcknowledged)
        }
    }

    func testAConfirmedPublishWaitsOutALeaderElectionWithOneMessageID() throws {
        let agent = try connect()
        let headers = Collector<String>()
        let standIn = try connect()
        later(after: .milliseconds(500)) {
            _ = try? standIn.subscribe("evt.job.j1.started") { message in
                headers.append(message.headers?.values(named: JetStreamContext.messageIDHeader).first ?? "")
                if let reply = message.reply {
                    try? standIn.publish(reply, payload: "{\"stream\":\"EVENTS\",\"seq\":4}")
                }
            }
        }
        let context = JetStreamContext(connection: agent, timeout: .milliseconds(300))
        let ack = try context.publishConfirmed(
            "evt.job.j1.started", payload: Array("{}".utf8), msgID: "evt-j1-started-1", within: .seconds(5),
            retryWait: .milliseconds(50))
        XCTAssertEqual(ack.stream, "EVENTS")
        XCTAssertEqual(ack.sequence, 4)
        XCTAssertEqual(Set(headers.all), ["evt-j1-started-1"])
    }

    func testAPublishNobodyStoresIsBlamedOnAnElectionWhenAStreamCapturesTheSubject() throws {
        let agent = try connect()
        try leader(
            on: "$JS.API.STREAM.NAMES", after: .zero, answer: "{\"total\":1,\"streams\":[\"EVENTS\"]}")
        usleep(100_000)
        let context = JetStreamContext(connection: agent, timeout: .milliseconds(300))
        XCTAssertThrowsError(try context.publish("evt.job.j1.started", payload: "{}", retries: 0)) { error in
            XCTAssertEqual(error as? JetStreamError, .streamUnavailable("EVENTS"))
            XCTAssertEqual("\(error)", "stream EVENTS temporarily unavailable (leader election)")
        }
    }

    func testAPublishNobodyStoresIsBlamedOnAMissingStreamWhenNoneCapturesTheSubject() throws {
        let agent = try connect()
        try leader(on: "$JS.API.STREAM.NAMES", after: .zero, answer: "{\"total\":0,\"streams\":null}")
        usleep(100_000)
        let context = JetStreamContext(connection: agent, timeout: .milliseconds(300))
        XCTAssertThrowsError(try context.publish("evt.job.j1.started", payload: "{}", retries: 0)) { error in
            XCTAssertEqual(error as? JetStreamError, .noStreamResponse(subject: "evt.job.j1.started"))
            XCTAssertTrue((error as? JetStreamError)?.isMissingStreamOrConsumer ?? false)
        }
    }

    func testAPullErrorIsAMissingStreamOnlyWhenStreamInfoSaysNotFound() throws {
        let agent = try connect()
        let context = JetStreamContext(connection: agent, timeout: .milliseconds(300))
        try leader(
            on: "$JS.API.STREAM.INFO.JOBS", after: .zero,
            answer: "{\"error\":{\"code\":404,\"err_code\":10059,\"description\":\"stream not found\"}}")
        let silent = try connect()
        _ = try silent.subscribe("$JS.API.STREAM.INFO.QUIET") { _ in }
        usleep(100_000)
        let missing = context.diagnose(.consumerNotFound(stream: "JOBS", consumer: "cpu"), stream: "JOBS")
        XCTAssertTrue(missing.isMissingStreamOrConsumer, "\(missing)")
        let electing = context.diagnose(.consumerNotFound(stream: "QUIET", consumer: "cpu"), stream: "QUIET")
        XCTAssertEqual(electing, .streamUnavailable("QUIET"))
        XCTAssertFalse(electing.isMissingStreamOrConsumer)
    }
}
