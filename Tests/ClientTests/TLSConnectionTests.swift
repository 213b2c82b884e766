@testable import Client
import TLS
import TestSupport
import XCTest

/// Connections that speak TLS to nats-server: the upgrade after INFO, TLS first, reconnects.
final class TLSConnectionTests: ClientTLSTestCase {
    var connections: [NATSConnection] = []

    override func tearDownWithError() throws {
        for connection in connections { connection.close() }
        connections = []
        try super.tearDownWithError()
    }

    func connect(_ url: String, _ options: ConnectionOptions) throws -> NATSConnection {
        let connection = try NATSConnection.connect(url: url, options: options)
        connections.append(connection)
        return connection
    }

    func testAClientWithACertificateExchangesMessagesOverTLSWithAVerifyingServer() throws {
        let server = try startServer()
        let connection = try connect(server.url, options(tlsOptions()))
        XCTAssertTrue(connection.isSecure)
        XCTAssertTrue(connection.serverInfo.tlsRequired)
        XCTAssertTrue(connection.serverInfo.tlsVerify)
        let subscription = try connection.subscribeSync("tls.>")
        let large = (0..<(512 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try connection.publish("tls.small", payload: "hello")
        try connection.publish("tls.large", payload: large)
        try connection.flush()
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).string, "hello")
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).payload, large, "a 512 KiB message intact")

        _ = try connection.subscribe("tls.echo") { message in
            try? connection.respond(to: message, payload: message.payload)
        }
        try connection.flush()
        let other = try connect(server.url, options(tlsOptions()))
        XCTAssertEqual(try other.request("tls.echo", payload: Array("ping".utf8)).string, "ping")
    }

    func testManyMessagesFromTwoThreadsArriveInOrderOverOneTLSConnection() throws {
        let server = try startServer()
        let connection = try connect(server.url, options(tlsOptions()))
        let received = Collector<String>()
        _ = try connection.subscribe("count.>") { received.append($0.string) }
        try connection.flush()
        let publisher = try connect(server.url, options(tlsOptions()))
        for number in 0..<20_000 { try publisher.publish("count.a", payload: String(number)) }
        try publisher.flush()
        XCTAssertTrue(received.wait(forCount: 20_000, timeout: .seconds(10)), "got \(received.count)")
        XCTAssertEqual(received.all, (0..<20_000).map(String.init))
    }

    func testTLSFirstConnectsToAServerThatExpectsTheHandshakeBeforeINFO() throws {
        let server = try startServer(extra: "handshake_first: true")
        let connection = try connect(server.url, options(tlsOptions(handshakeFirst: true)))
        XCTAssertTrue(connection.isSecure)
        let subscription = try connection.subscribeSync("first")
        try connection.publish("first", payload: "tls first")
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).string, "tls first")
    }

    func testATLSURLWithOnlyTheCAConnectsToAServerThatDoesNotVerifyClients() throws {
        let server = try startServer(verify: false)
        let connection = try connect("tls://127.0.0.1:\(server.port)", options(tlsOptions(identity: nil)))
        XCTAssertTrue(connection.isSecure)
        XCTAssertFalse(connection.serverInfo.tlsVerify)
        XCTAssertEqual(connection.connectedServer?.description, "tls://127.0.0.1:\(server.port)")
        try connection.flush()
    }

    func testServerNameOverridesTheHostTheCertificateIsCheckedAgainst() throws {
        let server = try startServer(certificate: "elsewhere")
        let connection = try connect(server.url, options(tlsOptions(serverName: "elsewhere.test")))
        XCTAssertTrue(connection.isSecure)
        try connection.flush()
    }

    func testATrustFileHoldingTwoCAsAcceptsServersSignedByEither() throws {
        // How a CA roll keeps the fleet connected: trust the old and the new CA for a while.
        let bundle = try CertificateFiles.read(path("stranger/ca.pem")) + CertificateFiles.read(path("ca.pem"))
        try CertificateFiles.writeCertificate(bundle, to: path("bundle.pem"))
        let ours = try startServer()
        let theirs = try startServer(certificate: "stranger/stranger-broker", verify: false)
        for server in [ours, theirs] {
            let connection = try connect(server.url, options(tlsOptions(authority: "bundle.pem")))
            XCTAssertTrue(connection.isSecure)
            try connection.flush()
        }
    }

    func testTheClientReconnectsOverTLSAfterTheServerRestarts() throws {
        let server = try startServer()
        let events = Collector<String>()
        var options = options(tlsOptions())
        options.onDisconnected = { _ in events.append("disconnected") }
        options.onReconnected = { events.append("reconnected") }
        let connection = try connect(server.url, options)
        let received = Collector<String>()
        _ = try connection.subscribe("survives") { received.append($0.string) }
        try connection.publish("survives", payload: "before")
        try connection.flush()
        XCTAssertTrue(received.wait(forCount: 1))

        server.stop()
        XCTAssertTrue(eventually { connection.currentStatus == .reconnecting })
        try connection.publish("survives", payload: "while down")
        try server.start()
        XCTAssertTrue(eventually { connection.currentStatus == .connected })
        XCTAssertTrue(connection.isSecure, "the new connection is TLS too")
        try connection.flush()
        try connection.publish("survives", payload: "after")
        try connection.flush()
        XCTAssertTrue(received.wait(forCount: 3))
        XCTAssertEqual(received.all, ["before", "while down", "after"])
        XCTAssertEqual(events.all, ["disconnected", "reconnected"])
        XCTAssertEqual(connection.statistics.reconnects, 1)
    }

    func testCertificatesFromCertsIssueAreMappedToUsersByNATSServer() throws {
        // verify_and_map: nats-server takes the user from the certificate's subject, RFC 2253 as Go prints it.
        let server = try startServer(
            extra: "verify_and_map: true", outside: #"authorization { users = [ {user: "CN=node-1,OU=agent"} ] }"#)
        let connection = try connect(server.url, options(tlsOptions()))
        try connection.flush()
        _ = try certificates.issue(name: "node-2", role: .agent, days: 30, overwrite: false)
        assertConnectFails(server.url, options(tlsOptions(identity: "node-2"))) {
            $0 == .serverError("Authorization Violation")
        }
    }
}
