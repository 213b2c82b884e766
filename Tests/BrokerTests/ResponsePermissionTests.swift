@testable import Broker
import Support
import XCTest

/// `allow_responses`: a client may answer on the reply subjects of messages it was delivered, as many
/// times and for as long as the permission says, and nowhere else.
final class ResponsePermissionTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        let text = """
            authorization {
              users = [
                { user: requester, password: r, permissions: {
                    publish: ["svc", "_INBOX.requester.>"], subscribe: ["_INBOX.requester.>"] } }
                { user: responder, password: s, permissions: {
                    subscribe: "svc", allow_responses: { max: 2, expires: "300ms" } } }
              ]
            }
            """
        try! BrokerConfigFile.apply(ConfigFile.parse(text, fileName: "test.conf"), to: &config)
    }

    private func connected(_ user: String, _ password: String) throws -> RawClient {
        let client = try client()
        client.handshake(#"{"verbose":false,"user":"\#(user)","pass":"\#(password)"}"#)
        return client
    }

    func testTheResponderAnswersOnTheReplySubjectItReceivedUpToItsMaximumAndNowhereElse() throws {
        let requester = try connected("requester", "r"), responder = try connected("responder", "s")
        responder.send("SUB svc 1\r\nPING\r\n")
        responder.read(until: "PONG\r\n")
        requester.send("SUB _INBOX.requester.> 1\r\nPUB svc _INBOX.requester.1 1\r\nq\r\nPING\r\n")
        requester.read(until: "PONG\r\n")
        XCTAssertTrue(responder.read(until: "q\r\n").hasSuffix("MSG svc 1 _INBOX.requester.1 1\r\nq\r\n"))
        responder.send(
            "PUB _INBOX.requester.1 1\r\na\r\nPUB _INBOX.requester.1 1\r\nb\r\nPUB _INBOX.requester.1 1\r\nc\r\n"
                + "PUB _INBOX.requester.2 1\r\nd\r\nPUB svc 1\r\ne\r\nPING\r\n")
        let refusals = responder.read(until: "PONG\r\n")
        XCTAssertEqual(
            refusals,
            "-ERR 'Permissions Violation for Publish to \"_INBOX.requester.1\"'\r\n"
                + "-ERR 'Permissions Violation for Publish to \"_INBOX.requester.2\"'\r\n"
                + "-ERR 'Permissions Violation for Publish to \"svc\"'\r\nPONG\r\n")
        requester.send("PING\r\n")
        XCTAssertEqual(
            requester.read(until: "PONG\r\n"),
            "MSG _INBOX.requester.1 1 1\r\na\r\nMSG _INBOX.requester.1 1 1\r\nb\r\nPONG\r\n")
    }

    func testAReplySubjectClosesWhenItsTimeIsUp() throws {
        let requester = try connected("requester", "r"), responder = try connected("responder", "s")
        responder.send("SUB svc 1\r\nPING\r\n")
        responder.read(until: "PONG\r\n")
        requester.send("PUB svc _INBOX.requester.late 1\r\nq\r\nPING\r\n")
        requester.read(until: "PONG\r\n")
        responder.read(until: "q\r\n")
        usleep(450_000)
        responder.send("PUB _INBOX.requester.late 1\r\nz\r\nPING\r\n")
        XCTAssertEqual(
            responder.read(until: "PONG\r\n"),
            "-ERR 'Permissions Violation for Publish to \"_INBOX.requester.late\"'\r\nPONG\r\n")
    }
}

/// The bookkeeping behind `allow_responses`.
final class ResponseGrantsTests: XCTestCase {
    func testEachDeliveryOpensItsReplySubjectForMaxResponses() {
        var grants = ResponseGrants(permission: ResponsePermission(maxMessages: 2, expiresNanoseconds: 0))
        grants.record("r.1", now: 0)
        XCTAssertTrue(grants.consume("r.1", now: 1))
        XCTAssertTrue(grants.consume("r.1", now: 2))
        XCTAssertFalse(grants.consume("r.1", now: 3))
        XCTAssertFalse(grants.consume("r.2", now: 3), "never delivered")
        XCTAssertEqual(grants.count, 0)
    }

    func testANegativeMaximumAllowsAnyNumberUntilTheExpiry() {
        var grants = ResponseGrants(permission: ResponsePermission(maxMessages: -1, expiresNanoseconds: 100))
        grants.record("r", now: 1000)
        for step in 0..<5 { XCTAssertTrue(grants.consume("r", now: 1000 + UInt64(step) * 10)) }
        XCTAssertFalse(grants.consume("r", now: 1101))
    }

    func testTheTableIsBoundedAndMakesRoomFromExpiredEntries() {
        var grants = ResponseGrants(permission: ResponsePermission(maxMessages: 1, expiresNanoseconds: 100), limit: 2)
        grants.record("a", now: 0)
        grants.record("b", now: 50)
        grants.record("c", now: 60)
        XCTAssertFalse(grants.consume("c", now: 61), "no room while a and b are open")
        grants.record("d", now: 120)
        XCTAssertTrue(grants.consume("d", now: 121), "a expired and made room")
        XCTAssertFalse(grants.consume("a", now: 121))
        XCTAssertEqual(grants.count, 1)
    }

    func testTheConfigurationReadsAllowResponsesAsNatsServerDoes() throws {
        func permissions(_ block: String) throws -> Permissions {
            var config = BrokerConfig()
            let text = "authorization { users = [ { user: u, password: p, permissions: \(block) } ] }"
            try BrokerConfigFile.apply(ConfigFile.parse(text, fileName: "test.conf"), to: &config)
            return try XCTUnwrap(config.authorization.users["u"]?.permissions)
        }
        let defaults = try permissions("{ subscribe: svc, allow_responses: true }")
        XCTAssertEqual(defaults.responses, ResponsePermission(maxMessages: 1, expiresNanoseconds: 120_000_000_000))
        XCTAssertFalse(defaults.publish.allows(subject: "anything"), "only responses may be published")
        let limits = try permissions(#"{ publish: ["x"], allow_responses: { max: 3, expires: "1s" } }"#)
        XCTAssertEqual(limits.responses, ResponsePermission(maxMessages: 3, expiresNanoseconds: 1_000_000_000))
        XCTAssertTrue(limits.publish.allows(subject: "x"))
        XCTAssertNil(try permissions("{ allow_responses: false }").responses)
        XCTAssertThrowsError(try permissions(#"{ allow_responses: "yes" }"#))
        XCTAssertThrowsError(try permissions("{ allow_responses: { max: 1, ttl: 2 } }"))
    }
}
