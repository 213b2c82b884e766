@testable import Client
import CommandKit
import Support
import XCTest

/// Every inbox a connection creates lies under its inbox prefix: `_INBOX.<certificate CN>` with a
/// client certificate (the name the broker maps it to), `--inbox-prefix` when given, else `_INBOX`.
final class InboxPrefixTests: ClientTLSTestCase {
    func testAClientCertificateNamesTheInboxPrefix() {
        var options = ConnectionOptions()
        XCTAssertEqual(options.effectiveInboxPrefix, "_INBOX")
        options.tls = tlsOptions(identity: "node-1")
        XCTAssertEqual(options.effectiveInboxPrefix, "_INBOX.node-1")
        options.inboxPrefix = "_INBOX.custom"
        XCTAssertEqual(options.effectiveInboxPrefix, "_INBOX.custom", "an explicit prefix wins")
        options = ConnectionOptions()
        options.tls = tlsOptions(identity: nil)
        XCTAssertEqual(options.effectiveInboxPrefix, "_INBOX", "trusting a CA alone names nobody")
    }

    func testACertificateNameThatIsNotOneTokenLeavesTheDefaultPrefix() throws {
        // `certs issue` refuses such a client name now; a broker certificate (also a client) may carry it.
        _ = try certificates.issue(name: "a.b", role: .broker, dnsNames: ["a.b"], days: 30, overwrite: false)
        var options = ConnectionOptions()
        options.tls = tlsOptions(identity: "a.b")
        XCTAssertEqual(options.effectiveInboxPrefix, "_INBOX")
    }

    func testTheInboxPrefixFlagReachesTheConnectionOptions() throws {
        let spec = CommandSpec(
            name: "ffrtmp test", summary: "test", usage: "ffrtmp test", options: ClientCommandOptions.all)
        let arguments = try spec.parse(["--inbox-prefix", "_INBOX.ci", "--user", "ci", "--pass", "secret"])
        let options = ClientCommandOptions.connectionOptions(arguments)
        XCTAssertEqual(options.inboxPrefix, "_INBOX.ci")
        XCTAssertEqual(options.user, "ci")
        XCTAssertEqual(options.password, "secret")
    }

    func testAnInvalidInboxPrefixIsRefusedBeforeConnecting() {
        for prefix in ["", "_INBOX.", "_INBOX.*", "_INBOX.>", "a b", "_INBOX..x"] {
            var options = testOptions()
            options.inboxPrefix = prefix
            XCTAssertThrowsError(try NATSConnection.connect(url: "nats://127.0.0.1:1", options: options), prefix) {
                XCTAssertEqual($0 as? ClientError, .invalidSubject(prefix))
            }
        }
    }

    func testRequestsAndInboxesWorkWhereOnlyTheIdentitysOwnInboxesAreAllowed() throws {
        _ = try certificates.issue(name: "ops", role: .admin, days: 30, overwrite: false)
        let server = try startServer(
            extra: "verify_and_map: true",
            outside: """
                authorization { users = [
                  {user: "CN=node-1,OU=agent", permissions: {
                    publish: ["svc.echo", "_INBOX.node-1.>"], subscribe: ["_INBOX.node-1.>"] }},
                  {user: "CN=ops,OU=admin"}
                ] }
                """)
        let responder = try NATSConnection.connect(url: server.url, options: options(tlsOptions(identity: "ops")))
        defer { responder.close() }
        _ = try responder.subscribe("svc.echo") { message in
            if let reply = message.reply { try? responder.publish(reply, payload: "re:" + message.string) }
        }
        try responder.flush()
        let errors = Collector<ClientError>()
        var agentOptions = options(tlsOptions(identity: "node-1"))
        agentOptions.onServerError = { errors.append($0) }
        let agent = try NATSConnection.connect(url: server.url, options: agentOptions)
        defer { agent.close() }
        XCTAssertEqual(agent.inboxRoot, "_INBOX.node-1")
        XCTAssertTrue(agent.newInbox().hasPrefix("_INBOX.node-1."))
        for index in 0..<3 {
            XCTAssertEqual(
                try agent.request("svc.echo", payload: "\(index)", timeout: .seconds(3)).string, "re:\(index)")
        }
        XCTAssertEqual(errors.all, [], "no permissions violation on the inbox")
    }
}
