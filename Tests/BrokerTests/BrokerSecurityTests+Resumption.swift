@testable import Broker
import TLS
import XCTest

/// TLS 1.3 session resumption on a real broker: a resumed connection is the same client, with the
/// same permissions, and what a full handshake refuses, resumption does not let in.
extension BrokerSecurityTests {
    /// Connects `name` again, offering the session `earlier` saved; CONNECT and PING done.
    private func reconnected(_ name: String, resuming earlier: TLSRawClient) throws -> TLSRawClient {
        let saved = try XCTUnwrap(earlier.stream?.savedSession, "the broker's ticket arrived before PONG")
        let client = try TLSRawClient(port: port)
        _ = client.readInfo()
        try client.upgrade(certificates: certificates, client: name, resuming: saved)
        return client
    }

    func testAResumedConnectionIsTheSameClientWithTheSamePermissions() throws {
        let watcher = try connected("ops", role: "admin")
        try watcher.send("SUB hb.> 1\r\nPING\r\n")
        _ = try watcher.read(until: "PONG\r\n")
        let first = try connected("node-1", role: "agent")
        XCTAssertEqual(first.stream?.isResumed, false)

        let agent = try reconnected("node-1", resuming: first)
        try agent.handshake()
        XCTAssertEqual(agent.stream?.isResumed, true)
        try agent.send("PUB hb.node-1 2\r\nok\r\nPUB hb.node-2 4\r\nfake\r\nPING\r\n")
        let replies = try agent.read(until: "PONG\r\n")
        XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Publish to \"hb.node-2\"'"), replies)
        XCTAssertFalse(replies.contains("hb.node-1\""), "its own heartbeat is allowed: \(replies)")
        try watcher.send("PING\r\n")
        let seen = try watcher.read(until: "PONG\r\n")
        XCTAssertTrue(seen.contains("MSG hb.node-1 1 2"), seen)
        XCTAssertFalse(seen.contains("hb.node-2"), seen)
    }

    func testAfterAReloadRevokingAClientItsSavedSessionNeitherResumesNorConnects() throws {
        let first = try connected("node-7", role: "agent")
        var config = broker.config
        config.authorization.revoked = ["node-7"]
        try broker.reload(config)

        let again = try reconnected("node-7", resuming: first)
        XCTAssertEqual(again.stream?.isResumed, false, "a reload voids the tickets issued before it")
        try again.send("CONNECT {\"verbose\":false}\r\nPING\r\n")
        XCTAssertTrue(try again.read(until: "Violation'\r\n").contains("-ERR 'Authorization Violation'"))
    }
}
