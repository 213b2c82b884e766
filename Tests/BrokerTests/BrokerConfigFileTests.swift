import Broker
import Support
import XCTest

final class BrokerConfigFileTests: XCTestCase {
    private func apply(_ text: String) throws -> BrokerConfig {
        var config = BrokerConfig()
        try BrokerConfigFile.apply(ConfigFile.parse(text, fileName: "test.conf"), to: &config)
        return config
    }

    func testNatsServerStyleSettingsAreRead() throws {
        let config = try apply(
            """
            listen: 127.0.0.1:4333
            server_name: edge
            max_payload: 8MB
            max_pending: 128MB
            max_connections = 100
            max_subscriptions 50
            ping_interval: "30s"
            ping_max: 3
            write_deadline: "2s"
            threads: 1
            debug: true
            """)
        XCTAssertEqual(config.host, "127.0.0.1")
        XCTAssertEqual(config.port, 4333)
        XCTAssertEqual(config.serverName, "edge")
        XCTAssertEqual(config.maxPayload, 8 << 20)
        XCTAssertEqual(config.maxPending, 128 << 20)
        XCTAssertEqual(config.maxConnections, 100)
        XCTAssertEqual(config.maxSubscriptions, 50)
        XCTAssertEqual(config.pingInterval, 30_000_000_000)
        XCTAssertEqual(config.maxPingsOutstanding, 3)
        XCTAssertEqual(config.writeDeadline, 2_000_000_000)
        XCTAssertEqual(config.eventLoops, 1)
        XCTAssertTrue(config.debug)
        XCTAssertNoThrow(try config.validate())
    }

    func testAPingIntervalInWholeSecondsIsAccepted() throws {
        XCTAssertEqual(try apply("ping_interval: 5").pingInterval, 5_000_000_000)
    }

    func testATypoIsRefusedWithASuggestion() {
        XCTAssertThrowsError(try apply("max_paylod: 1MB")) { error in
            XCTAssertTrue("\(error)".contains("did you mean max_payload"), "\(error)")
        }
    }

    func testClusteringIsRefusedAsNotSupportedRatherThanIgnored() {
        XCTAssertThrowsError(try apply("cluster { name: c1 }")) { error in
            XCTAssertTrue("\(error)".contains("not supported"), "\(error)")
        }
    }

    func testTheMonitoringPortIsReadUnderEachOfNatsServersNames() throws {
        XCTAssertNil(try apply("port: 4222").monitorPort)
        XCTAssertEqual(try apply("http_port: 8222").monitorPort, 8222)
        XCTAssertEqual(try apply("monitor_port: 8223").monitorPort, 8223)
        XCTAssertEqual(try apply("http: 8224").monitorPort, 8224)
        let listen = try apply("http: \"0.0.0.0:8225\"")
        XCTAssertEqual(listen.monitorHost, "0.0.0.0")
        XCTAssertEqual(listen.monitorPort, 8225)
        XCTAssertEqual(try apply("http_port: 8222").monitorHost, "127.0.0.1", "loopback unless asked")
        XCTAssertThrowsError(try apply("http: \"nonsense\""))
        XCTAssertThrowsError(try apply("http_port: 70000").validate())
    }

    func testNonsenseValuesAreRefusedByValidation() throws {
        XCTAssertThrowsError(try apply("port: 70000").validate())
        XCTAssertThrowsError(try apply("max_payload: 1MB\nmax_pending: 1KB").validate())
    }

    func testTheShippedExampleConfigIsValid() throws {
        var config = BrokerConfig()
        let path = #filePath.components(separatedBy: "/Tests/")[0] + "/broker/broker.conf"
        try BrokerConfigFile.apply(path: path, to: &config)
        XCTAssertNoThrow(try config.validate())
        XCTAssertEqual(config.serverName, "ffrtmp-broker-1")
    }

    func testTheShippedMutualTLSConfigMapsCertificatesToRoles() throws {
        var config = BrokerConfig()
        let path = #filePath.components(separatedBy: "/Tests/")[0] + "/broker/broker-mtls.conf"
        try BrokerConfigFile.apply(path: path, to: &config)
        XCTAssertEqual(config.tls?.verifyClients, true)
        XCTAssertTrue(config.authorization.mapsCertificates)
        XCTAssertEqual(Set(config.authorization.roles.keys), ["agent", "submitter", "master", "admin"])
        let agent = try XCTUnwrap(config.authorization.roles["agent"]).substituting(name: "node-1")
        XCTAssertTrue(agent.publish.allows(subject: "hb.node-1"))
        XCTAssertFalse(agent.publish.allows(subject: "hb.node-2"))
        XCTAssertFalse(agent.publish.allows(subject: "job.cpu"))
    }

    func testPermissionsAcceptASubjectAListOrAllowAndDeny() throws {
        let text = """
            authorization {
              users = [
                { user: a, password: x, permissions: { publish: "only.this", subscribe: ["s.>", "t"] } }
                { user: b, password: y, permissions: { subscribe: { allow: [">"], deny: ["result.>"] } } }
              ]
              revoked: ["mallory"]
            }
            """
        var config = BrokerConfig()
        try BrokerConfigFile.apply(ConfigFile.parse(text, fileName: "test.conf"), to: &config)
        let a = try XCTUnwrap(config.authorization.users["a"]?.permissions)
        XCTAssertEqual(a.publish.allow, ["only.this"])
        XCTAssertEqual(a.subscribe.allow, ["s.>", "t"])
        let b = try XCTUnwrap(config.authorization.users["b"]?.permissions)
        XCTAssertFalse(b.subscribe.allows(subscription: "result.node-1"))
        XCTAssertTrue(b.subscribe.allows(subscription: ">"), "a partial overlap is filtered at delivery")
        XCTAssertTrue(b.subscribe.needsDeliveryCheck(for: ">"))
        XCTAssertEqual(config.authorization.revoked, ["mallory"])
    }
}
