@testable import Broker
import Support
import TLS
import TestSupport
import XCTest

/// mTLS, identities from certificates and role permissions, on a real broker.
final class BrokerSecurityTests: BrokerTestCase {
    var certificates: TestCertificates!

    override func setUpWithError() throws {
        certificates = try TestCertificates()
        try super.setUpWithError()
    }

    override func configure(_ config: inout BrokerConfig) {
        var tls = BrokerTLSConfig(
            certificateFile: certificates.certificatePath("broker"), keyFile: certificates.keyPath("broker"),
            authorityFile: certificates.authorityPath)
        tls.verifyClients = true
        tls.handshakeTimeout = 500_000_000
        config.tls = tls
        config.authorization.mapsCertificates = true
        var rolesConfig = BrokerConfig()
        let rolesPath = #filePath.components(separatedBy: "/Tests/")[0] + "/broker/roles.conf"
        let wrapped = "authorization { include \"\(rolesPath)\" }"
        try! BrokerConfigFile.apply(ConfigFile.parse(wrapped, fileName: "test.conf"), to: &rolesConfig)
        config.authorization.roles = rolesConfig.authorization.roles
        config.authorization.roles["watcher"] = Permissions(
            publish: SubjectPermissions(allow: ["_INBOX.>"]),
            subscribe: SubjectPermissions(allow: [">"], deny: ["result.>"]))
    }

    func connected(_ name: String, role: String?) throws -> TLSRawClient {
        try certificates.issueClient(name, role: role)
        let client = try TLSRawClient(port: port)
        XCTAssertTrue(client.readInfo().contains("\"tls_required\":true"))
        try client.upgrade(certificates: certificates, client: name)
        try client.handshake()
        return client
    }

    func testAnAgentMayPublishItsOwnHeartbeatButNotJobsOrAnotherNodesHeartbeat() throws {
        let watcher = try connected("ops", role: "admin")
        try watcher.send("SUB > 1\r\nPING\r\n")
        _ = try watcher.read(until: "PONG\r\n")
        let agent = try connected("node-1", role: "agent")
        try agent.send("PUB hb.node-1 2\r\nok\r\nPUB job.cpu 4\r\nevil\r\nPUB hb.node-2 4\r\nfake\r\nPING\r\n")
        let replies = try agent.read(until: "PONG\r\n")
        XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Publish to \"job.cpu\"'"), replies)
        XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Publish to \"hb.node-2\"'"), replies)
        try watcher.send("PING\r\n")
        let seen = try watcher.read(until: "PONG\r\n")
        XCTAssertTrue(seen.contains("MSG hb.node-1 1 2"), seen)
        XCTAssertFalse(seen.contains("job.cpu"), "a refused publish is not delivered: \(seen)")
        XCTAssertFalse(seen.contains("hb.node-2"), seen)
    }

    func testAnAgentMayCreateAndPullOnlyItsOwnNodeQueue() throws {
        let agent = try connected("node-1", role: "agent")
        let allowed = [
            "$JS.API.CONSUMER.CREATE.JOBS.node-1.job.node.node-1.>", "$JS.API.CONSUMER.MSG.NEXT.JOBS.node-1",
            "$JS.API.CONSUMER.MSG.NEXT.JOBS.cpu",
        ]
        let refused = [
            "$JS.API.CONSUMER.CREATE.JOBS.node-2.job.node.node-2.>",
            "$JS.API.CONSUMER.CREATE.JOBS.node-1.job.node.node-2.>", "$JS.API.CONSUMER.CREATE.JOBS.cpu.job.cpu",
            "$JS.API.CONSUMER.MSG.NEXT.JOBS.node-2",
        ]
        try agent.send((allowed + refused).map { "PUB \($0) 0\r\n\r\n" }.joined() + "PING\r\n")
        let replies = try agent.read(until: "PONG\r\n")
        for subject in allowed {
            XCTAssertFalse(replies.contains("Publish to \"\(subject)\""), replies)
        }
        for subject in refused {
            XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Publish to \"\(subject)\"'"), replies)
        }
    }

    func testAnAgentMayPublishOnlyItsOwnStartedEvents() throws {
        let watcher = try connected("ops", role: "admin")
        try watcher.send("SUB evt.> 1\r\nPING\r\n")
        _ = try watcher.read(until: "PONG\r\n")
        let agent = try connected("node-1", role: "agent")
        try agent.send(
            "PUB evt.job.J1.started.node-1 2\r\nok\r\nPUB evt.job.J1.started.node-2 6\r\nforged\r\n"
                + "PUB evt.job.J1.started 6\r\nlegacy\r\nPUB evt.job.J1.progress 4\r\nprog\r\nPING\r\n")
        let replies = try agent.read(until: "PONG\r\n")
        for refused in ["evt.job.J1.started.node-2", "evt.job.J1.started"] {
            XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Publish to \"\(refused)\"'"), replies)
        }
        try watcher.send("PING\r\n")
        let seen = try watcher.read(until: "PONG\r\n")
        XCTAssertEqual(
            seen, "MSG evt.job.J1.started.node-1 1 2\r\nok\r\nMSG evt.job.J1.progress 1 4\r\nprog\r\nPONG\r\n")
    }

    func testAReplySubjectTheClientMayNotPublishToRefusesTheWholeMessage() throws {
        let watcher = try connected("ops", role: "admin")
        try watcher.send("SUB > 1\r\nPING\r\n")
        _ = try watcher.read(until: "PONG\r\n")
        let agent = try connected("node-1", role: "agent")
        try agent.send(
            "PUB hb.node-1 ctl.job.VICTIM.cancel 1\r\na\r\nPUB hb.node-1 job.cpu 1\r\nb\r\n"
                + "PUB hb.node-1 _INBOX.node-2.x 1\r\nc\r\nPUB hb.node-1 _INBOX.node-1.x 1\r\nd\r\nPING\r\n")
        let replies = try agent.read(until: "PONG\r\n")
        for reply in ["ctl.job.VICTIM.cancel", "job.cpu", "_INBOX.node-2.x"] {
            XCTAssertTrue(
                replies.contains("-ERR 'Permissions Violation for Publish with Reply of \"\(reply)\"'"), replies)
        }
        try watcher.send("PING\r\n")
        let seen = try watcher.read(until: "PONG\r\n")
        XCTAssertEqual(seen, "MSG hb.node-1 1 _INBOX.node-1.x 1\r\nd\r\nPONG\r\n", "only the allowed reply went out")
    }

    func testACertificateWhoseNameIsNotOnePlainTokenIsRefused() throws {
        for name in ["*", "a.>", "x y"] {
            try certificates.issueClient(name, role: "agent")
            let client = try TLSRawClient(port: port)
            _ = client.readInfo()
            try client.upgrade(certificates: certificates, client: name)
            try client.send("CONNECT {\"verbose\":false}\r\nSUB hb.> 1\r\nPING\r\n")
            let text = try client.read(until: "Violation'\r\n")
            XCTAssertTrue(text.contains("-ERR 'Authorization Violation'"), "\(name): \(text)")
        }
    }

    func testARevokedCertificateIsRefusedAfterTheHandshake() throws {
        broker.shutdown()
        var config = broker.config
        config.authorization.revoked = ["node-7"]
        broker = Broker(config: config, logger: Logger(component: "test-broker", sink: LogSink(minimumLevel: .error)))
        try broker.start()
        try certificates.issueClient("node-7", role: "agent")
        let client = try TLSRawClient(port: port)
        _ = client.readInfo()
        try client.upgrade(certificates: certificates, client: "node-7")
        try client.send("CONNECT {\"verbose\":false}\r\nPING\r\n")
        XCTAssertTrue(try client.read(until: "Violation'\r\n").contains("-ERR 'Authorization Violation'"))
    }

    func testAWildcardSubscriptionDoesNotReceiveDeniedSubjects() throws {
        let watcher = try connected("viewer", role: "watcher")
        try watcher.send("SUB > 1\r\nPING\r\n")
        _ = try watcher.read(until: "PONG\r\n")
        let admin = try connected("ops", role: "admin")
        try admin.send("PUB evt.job.1.started 1\r\na\r\nPUB result.node-1 1\r\nb\r\nPING\r\n")
        _ = try admin.read(until: "PONG\r\n")
        try watcher.send("PING\r\n")
        let seen = try watcher.read(until: "PONG\r\n")
        XCTAssertTrue(seen.contains("MSG evt.job.1.started 1 1"), seen)
        XCTAssertFalse(seen.contains("result.node-1"), "a denied subject is filtered at delivery: \(seen)")
    }

    func testASubmitterCannotSubscribeToResults() throws {
        let submitter = try connected("ci", role: "submitter")
        try submitter.send("SUB result.> 1\r\nSUB evt.job.> 2\r\nPING\r\n")
        let replies = try submitter.read(until: "PONG\r\n")
        XCTAssertTrue(replies.contains("-ERR 'Permissions Violation for Subscription to \"result.>\"'"), replies)
        XCTAssertFalse(replies.contains("evt.job"), replies)
    }

    func testAClientWithoutACertificateIsRefused() throws {
        let client = try TLSRawClient(port: port)
        _ = client.readInfo()
        XCTAssertThrowsError(
            try {
                try client.upgrade(certificates: certificates, client: nil); try client.handshake()
            }())
    }

    func testACertificateFromAnotherAuthorityIsRefused() throws {
        let stranger = try CertificateIssuer.createAuthority(commonName: "other CA")
        try certificates.issueClient("intruder", role: "admin", by: stranger)
        let client = try TLSRawClient(port: port)
        _ = client.readInfo()
        XCTAssertThrowsError(
            try {
                try client.upgrade(certificates: certificates, client: "intruder"); try client.handshake()
            }())
    }

    func testAnExpiredCertificateIsRefused() throws {
        try certificates.issueClient(
            "old", role: "admin", validity: .window(notBeforeOffset: -172_800, notAfterOffset: -86_400))
        let client = try TLSRawClient(port: port)
        _ = client.readInfo()
        XCTAssertThrowsError(
            try {
                try client.upgrade(certificates: certificates, client: "old"); try client.handshake()
            }())
    }

    func testAPlaintextClientIsToldThatTLSIsRequired() throws {
        let plain = try client()
        plain.readInfo()
        plain.send("CONNECT {}\r\nPING\r\n")
        XCTAssertTrue(plain.read(until: "Required'\r\n").contains("-ERR 'Secure Connection - TLS Required'"))
        XCTAssertTrue(plain.isClosedByServer())
    }

    func testGarbageAndStalledHandshakesNeitherBlockOthersNorStayOpen() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            let noisy = try client()
            noisy.readInfo()
            noisy.send([0x16] + (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let stalled = try client()
        stalled.readInfo()
        stalled.send([0x16, 0x03, 0x01])
        let good = try connected("node-9", role: "agent")
        try good.send("PUB hb.node-9 1\r\nx\r\nPING\r\n")
        XCTAssertTrue(try good.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
        XCTAssertTrue(stalled.isClosedByServer(), "a stalled handshake is closed after the handshake timeout")
        XCTAssertTrue(eventually { self.broker.statistics.connections == 1 }, "\(broker.statistics.connections)")
    }
}

/// Passwords and tokens (development setups without certificates).
final class BrokerPasswordTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.authorization.users["dev"] = AuthorizationConfig.User(name: "dev", password: "secret")
        config.authorization.timeoutNanoseconds = 300_000_000
    }

    func testTheRightPasswordConnectsAndAWrongOneIsAnAuthorizationViolation() throws {
        let good = try client()
        XCTAssertTrue(good.readInfo().contains("\"auth_required\":true"))
        good.send("CONNECT {\"user\":\"dev\",\"pass\":\"secret\",\"verbose\":false}\r\nPING\r\n")
        XCTAssertTrue(good.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
        let bad = try client()
        bad.readInfo()
        bad.send("CONNECT {\"user\":\"dev\",\"pass\":\"guess\",\"verbose\":false}\r\nPING\r\n")
        XCTAssertTrue(bad.read(until: "Violation'\r\n").hasSuffix("-ERR 'Authorization Violation'\r\n"))
        XCTAssertTrue(bad.isClosedByServer())
    }

    func testAnythingBeforeConnectIsAnAuthorizationViolation() throws {
        let eager = try client()
        eager.readInfo()
        eager.send("SUB foo 1\r\n")
        XCTAssertTrue(eager.read(until: "Violation'\r\n").hasSuffix("-ERR 'Authorization Violation'\r\n"))
    }

    func testAClientThatNeverSendsConnectTimesOut() throws {
        let silent = try client()
        silent.readInfo()
        XCTAssertTrue(silent.read(until: "Timeout'\r\n").hasSuffix("-ERR 'Authentication Timeout'\r\n"))
        XCTAssertTrue(silent.isClosedByServer())
    }
}
