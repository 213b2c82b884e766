@testable import Client
import XCTest

/// TLS connections that must fail, quickly, with an error that names the cause.
final class TLSClientRefusalTests: ClientTLSTestCase {
    func testAServerCertificateForAnotherHostIsRefusedAsAHostnameMismatch() throws {
        let server = try startServer(certificate: "elsewhere")
        let error = assertConnectFails("nats://localhost:\(server.port)", options(tlsOptions())) {
            $0.tlsHandshakeReason?.hasPrefix("certificate verify failed: hostname mismatch") == true
        }
        XCTAssertTrue("\(error!)".contains("\"localhost\""), "names the host: \(error!)")
        assertConnectFails(server.url, options(tlsOptions())) {
            $0.tlsHandshakeReason?.hasPrefix("certificate verify failed: IP address mismatch") == true
        }
    }

    func testAClientWithoutACertificateIsRefusedByAVerifyingServerAtConnectNotByATimeout() throws {
        let server = try startServer()
        assertConnectFails(server.url, options(tlsOptions(identity: nil)), within: .milliseconds(500)) {
            $0.tlsHandshakeReason?.hasPrefix("the server requires a client certificate") == true
        }
    }

    func testAClientCertificateFromAnotherCAIsRefusedAsAnUnknownCA() throws {
        let server = try startServer()
        for _ in 0..<5 {  // The refusal races our CONNECT: it must win every time.
            assertConnectFails(
                server.url, options(tlsOptions(identity: "stranger/foreign")), within: .milliseconds(500)
            ) { $0.tlsHandshakeReason?.hasPrefix("unknown ca: the server does not trust") == true }
        }
    }

    func testAServerCertificateFromAnotherCAIsRefusedAsAnUnknownCA() throws {
        let server = try startServer(certificate: "stranger/stranger-broker", verify: false)
        let error = assertConnectFails(server.url, options(tlsOptions())) {
            $0.tlsHandshakeReason?.hasPrefix("certificate verify failed: unable to get local issuer certificate")
                == true
        }
        XCTAssertTrue("\(error!)".contains("unknown ca: the server's certificate is not signed by the CA in"))
    }

    func testAnExpiredClientCertificateIsRefusedAsExpired() throws {
        try issueWindow(name: "expired", role: .agent, notBefore: -7200, notAfter: -3600)
        let server = try startServer()
        assertConnectFails(server.url, options(tlsOptions(identity: "expired")), within: .milliseconds(500)) {
            $0.tlsHandshakeReason?.hasPrefix("certificate expired: the server says our client certificate") == true
        }
    }

    func testAnExpiredServerCertificateIsRefusedAsExpired() throws {
        try issueWindow(name: "expired-broker", role: .broker, notBefore: -7200, notAfter: -3600)
        let server = try startServer(certificate: "expired-broker")
        assertConnectFails(server.url, options(tlsOptions())) {
            $0.tlsHandshakeReason
                == "certificate verify failed: certificate has expired: the server's certificate has expired"
        }
    }

    func testAPlaintextClientToATLSServerIsToldTLSIsRequired() throws {
        let server = try startServer()
        let error = assertConnectFails(server.url, options(nil)) { $0 == .tlsRequired }
        XCTAssertTrue("\(error!)".hasPrefix("the server requires TLS"))
    }

    func testTLSSettingsRefuseAServerThatOnlySpeaksPlaintext() throws {
        let server = try startPlainServer()
        assertConnectFails(server.url, options(tlsOptions())) {
            $0.tlsHandshakeReason?.hasPrefix("the server does not offer TLS") == true
        }
        assertConnectFails("tls://127.0.0.1:\(server.port)", options(nil)) {
            $0.tlsHandshakeReason?.hasPrefix("the server does not offer TLS") == true
        }
    }

    func testTLSFirstToAServerThatSendsINFOFirstSaysSo() throws {
        let server = try startServer()
        assertConnectFails(server.url, options(tlsOptions(handshakeFirst: true))) {
            $0.tlsHandshakeReason?.contains("it does not expect TLS first") == true
        }
    }

    func testUpgradingAfterINFOWithAServerExpectingTLSFirstSuggestsTLSFirst() throws {
        let server = try startServer(extra: "handshake_first: true")
        var options = options(tlsOptions())
        options.connectTimeout = .milliseconds(300)
        assertConnectFails(server.url, options) {
            $0.tlsHandshakeReason?.contains("use --tlsfirst") == true
        }
    }

    func testUnusableTLSFilesFailBeforeAnythingIsSent() throws {
        let port = NATSServerProcess.freePort()  // Nothing listens: the files are checked first.
        var missing = tlsOptions()
        missing.trustedAuthoritiesPath = path("missing.pem")
        assertConnectFails("nats://127.0.0.1:\(port)", options(missing)) {
            $0 == .tlsConfiguration("\(self.path("missing.pem")): cannot open: No such file or directory")
        }
        var mismatched = tlsOptions()
        mismatched.privateKeyPath = path("broker-key.pem")
        assertConnectFails("nats://127.0.0.1:\(port)", options(mismatched)) {
            "\($0)".contains("does not match certificate")
        }
        var keyless = tlsOptions()
        keyless.privateKeyPath = nil
        assertConnectFails("nats://127.0.0.1:\(port)", options(keyless)) { "\($0)".contains("without its private key") }
    }
}
