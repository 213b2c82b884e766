@testable import Broker
import Support
import TLS
import XCTest

/// Reloading the configuration on a running broker: validation before the swap, and the re-check of
/// connections that are already open.
final class BrokerReloadTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.authorization.users = [
            "alice": AuthorizationConfig.User(name: "alice", password: "a"),
            "bob": AuthorizationConfig.User(name: "bob", password: "b"),
            "carol": AuthorizationConfig.User(
                name: "carol", password: "c",
                permissions: Permissions(subscribe: SubjectPermissions(allow: ["a.>", "b.>", "secret.>"]))),
        ]
    }

    private func connected(_ user: String, _ password: String) throws -> RawClient {
        let client = try client()
        client.handshake(#"{"verbose":false,"user":"\#(user)","pass":"\#(password)"}"#)
        return client
    }

    private func reloaded(_ change: (inout BrokerConfig) -> Void) throws -> BrokerReloadOutcome {
        var config = broker.config
        change(&config)
        return try broker.reload(config)
    }

    func testARevokedUserIsClosedWithAnAuthorizationViolationAndCannotConnectAgain() throws {
        let alice = try connected("alice", "a")
        let bob = try connected("bob", "b")
        let outcome = try reloaded { $0.authorization.revoked = ["bob"] }
        XCTAssertEqual(outcome.applied, ["authorization"])
        XCTAssertTrue(bob.read(until: "Violation'\r\n").contains("-ERR 'Authorization Violation'"))
        XCTAssertTrue(bob.isClosedByServer())
        alice.send("PING\r\n")
        XCTAssertTrue(alice.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "others are not interrupted")
        let again = try client()
        again.readInfo()
        again.send(#"CONNECT {"verbose":false,"user":"bob","pass":"b"}\#r\#nPING\#r\#n"#)
        XCTAssertTrue(again.read(until: "Violation'\r\n").contains("-ERR 'Authorization Violation'"))
    }

    func testASubscriptionThePermissionsNoLongerAllowIsRemovedWithAPermissionsViolation() throws {
        let carol = try connected("carol", "c")
        carol.send("SUB a.> 1\r\nSUB b.> 2\r\nSUB a.x workers 3\r\nPING\r\n")
        carol.read(until: "PONG\r\n")
        try reloaded {
            $0.authorization.users["carol"]?.permissions = Permissions(subscribe: SubjectPermissions(allow: ["b.>"]))
        }
        // nats-server 2.15.1's lines on reload, with the sid (checked by hand against it).
        XCTAssertEqual(
            carol.read(until: "(sid \"3\")'\r\n"),
            "-ERR 'Permissions Violation for Subscription to \"a.>\" (sid \"1\")'\r\n"
                + "-ERR 'Permissions Violation for Subscription to \"a.x\" using queue \"workers\" (sid \"3\")'\r\n")
        let alice = try connected("alice", "a")
        alice.send("PUB a.x 1\r\n1\r\nPUB b.x 1\r\n2\r\nPING\r\n")
        alice.read(until: "PONG\r\n")
        carol.send("PING\r\n")
        let seen = carol.read(until: "PONG\r\n")
        XCTAssertEqual(seen, "MSG b.x 2 1\r\n2\r\nPONG\r\n", "the connection stays, without the removed subscription")
    }

    func testADenyAddedByAReloadFiltersAWildcardSubscriptionThatStays() throws {
        let carol = try connected("carol", "c")
        carol.send("SUB secret.> 1\r\nPING\r\n")
        carol.read(until: "PONG\r\n")
        try reloaded {
            $0.authorization.users["carol"]?.permissions = Permissions(
                subscribe: SubjectPermissions(allow: ["secret.>"], deny: ["secret.keys"]))
        }
        let alice = try connected("alice", "a")
        alice.send("PUB secret.keys 1\r\nk\r\nPUB secret.notes 1\r\nn\r\nPING\r\n")
        alice.read(until: "PONG\r\n")
        carol.send("PING\r\n")
        XCTAssertEqual(carol.read(until: "PONG\r\n"), "MSG secret.notes 1 1\r\nn\r\nPONG\r\n")
    }

    func testABrokenConfigurationIsRefusedAndTheOldOneStaysInForce() throws {
        let before = broker.config
        XCTAssertThrowsError(try reloaded { $0.maxPayload = 0 })
        XCTAssertThrowsError(
            try reloaded { $0.tls = BrokerTLSConfig(certificateFile: "/nonexistent.pem", keyFile: "/nonexistent.pem") })
        XCTAssertEqual(broker.config, before)
        let alice = try connected("alice", "a")
        alice.send("PING\r\n")
        XCTAssertTrue(alice.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "plain TCP and the old users still work")
    }

    func testSettingsThatCannotChangeWhileRunningAreRefusedAndTheRestApplied() throws {
        let outcome = try reloaded {
            $0.port = 1
            $0.eventLoops = 7
            $0.maxPayload = 2048
        }
        XCTAssertEqual(outcome.refused, ["port", "threads"])
        XCTAssertEqual(outcome.applied, ["max_payload"])
        XCTAssertEqual(broker.config.port, 0)
        let client = try client()
        XCTAssertTrue(client.readInfo().contains("\"max_payload\":2048"), "new connections get the new limit")
    }
}

/// Reloading TLS: a renewed certificate is what new connections are offered.
final class BrokerTLSReloadTests: BrokerTestCase {
    var certificates: TestCertificates!

    override func setUpWithError() throws {
        certificates = try TestCertificates()
        try super.setUpWithError()
    }

    override func configure(_ config: inout BrokerConfig) {
        config.tls = BrokerTLSConfig(
            certificateFile: certificates.certificatePath("broker"), keyFile: certificates.keyPath("broker"))
    }

    func testAReloadReadsARenewedCertificateFromTheSameFiles() throws {
        let renewed = try CertificateIssuer.issue(
            commonName: "localhost", role: "broker", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"],
            usage: .server, signedBy: certificates.authority)
        try CertificateFiles.writeCertificate(
            renewed.certificatePEM, to: certificates.certificatePath("broker"), overwrite: true)
        try CertificateFiles.writePrivateKey(renewed.privateKeyPEM, to: certificates.keyPath("broker"), overwrite: true)
        let outcome = try broker.reload(broker.config)
        XCTAssertEqual(outcome.applied, [])
        XCTAssertEqual(outcome.certificateSerial, try renewed.info().serialNumber)
    }

    func testAKeyThatDoesNotMatchTheCertificateIsRefused() throws {
        let other = try CertificateIssuer.issue(
            commonName: "other", role: "broker", dnsNames: ["localhost"], usage: .server,
            signedBy: certificates.authority)
        try CertificateFiles.writePrivateKey(other.privateKeyPEM, to: certificates.keyPath("broker"), overwrite: true)
        XCTAssertThrowsError(try broker.reload(broker.config))
        let client = try TLSRawClient(port: port)
        XCTAssertTrue(client.readInfo().contains("\"tls_required\":true"))
        try client.upgrade(certificates: certificates, client: nil)
        try client.handshake()  // the old context still serves new connections
    }
}
