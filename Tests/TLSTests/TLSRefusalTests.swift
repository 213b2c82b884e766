import COpenSSL
import XCTest

@testable import TLS

/// Handshakes that must fail, each with a message that says why.
final class TLSRefusalTests: TLSTestCase {
    /// Runs a handshake between `clientContext` and the mTLS server; returns the server's error and the
    /// client's (from its handshake or, in TLS 1.3, from its first read: the server refuses a client
    /// certificate after the client already finished).
    func refusal(
        clientContext: TLSContext, serverContext: TLSContext? = nil
    ) throws -> (server: TLSError?, client: TLSError?) {
        let clientSession = try clientContext.makeSession()
        let serverSession = try (serverContext ?? mutualServerContext()).makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        var clientError: TLSError?
        if case .failed(let error) = result.client {
            clientError = error
        } else {
            XCTAssertThrowsError(try Pump.readAll(clientSession)) { clientError = $0 as? TLSError }
        }
        var serverError: TLSError?
        if case .failed(let error) = result.server { serverError = error }
        return (serverError, clientError)
    }

    /// The reason of a `.certificateRejected` error; fails the test for any other outcome.
    func rejection(_ error: TLSError?, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard case .certificateRejected(let reason) = error else {
            XCTFail("expected a certificate rejection, got \(String(describing: error))", file: file, line: line)
            return ""
        }
        return reason
    }

    func testServerRefusesAClientWithoutACertificate() throws {
        let (serverError, clientError) = try refusal(clientContext: clientContext(nil))
        let reason = rejection(serverError)
        XCTAssertTrue(reason.contains("no certificate"), reason)
        XCTAssertTrue("\(clientError!)".contains("certificate required"), "\(clientError!)")
    }

    func testUnderTLS12TheRefusalOfAClientWithoutCertificateEndsTheClientsHandshake() throws {
        var configuration = TLSConfiguration.client(trustedAuthoritiesPath: authorityPath, serverName: "broker.test")
        configuration.maximumVersionForTesting = TLS1_2_VERSION
        let clientSession = try TLSContext(configuration).makeSession()
        let serverSession = try mutualServerContext().makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertTrue(rejection(result.server.error).contains("no certificate"))
        XCTAssertNotNil(result.client.error, "TLS 1.2 reports the refusal inside the handshake")
    }

    func testServerRefusesAClientCertificateFromAnotherAuthority() throws {
        let stranger = try CertificateIssuer.createAuthority(commonName: "someone else's CA")
        let foreign = try issue(
            CertificateRequest(commonName: "node-1", role: "agent", usage: .client), name: "foreign", signer: stranger)
        let (serverError, clientError) = try refusal(clientContext: clientContext(foreign))
        let reason = rejection(serverError)
        XCTAssertTrue(reason.contains("unable to get local issuer certificate"), reason)
        XCTAssertTrue("\(clientError!)".contains("unknown ca"), "\(clientError!)")
    }

    func testServerRefusesAnExpiredClientCertificate() throws {
        let expired = try issue(
            CertificateRequest(
                commonName: "node-1", role: "agent", usage: .client,
                validity: .window(notBeforeOffset: -7200, notAfterOffset: -3600)),
            name: "expired")
        let (serverError, _) = try refusal(clientContext: clientContext(expired))
        let reason = rejection(serverError)
        XCTAssertTrue(reason.contains("certificate has expired"), reason)
    }

    func testServerRefusesAClientCertificateThatIsNotValidYet() throws {
        let early = try issue(
            CertificateRequest(
                commonName: "node-1", role: "agent", usage: .client,
                validity: .window(notBeforeOffset: 3600, notAfterOffset: 7200)),
            name: "early")
        let (serverError, _) = try refusal(clientContext: clientContext(early))
        let reason = rejection(serverError)
        XCTAssertTrue(reason.contains("certificate is not yet valid"), reason)
    }

    func testServerRefusesAClientPresentingAServerOnlyCertificate() throws {
        let (serverError, _) = try refusal(clientContext: clientContext(server))
        let reason = rejection(serverError)
        XCTAssertTrue(reason.contains("unsuitable certificate purpose"), reason)
    }

    func testClientRefusesAServerCertificateForAnotherHostName() throws {
        let (serverError, clientError) = try refusal(clientContext: clientContext(client, serverName: "evil.test"))
        let reason = rejection(clientError)
        XCTAssertTrue(reason.contains("hostname mismatch"), reason)
        XCTAssertTrue("\(serverError!)".contains("bad certificate"), "\(serverError!)")
    }

    func testClientRefusesAServerCertificateForAnotherIPAddress() throws {
        let (_, clientError) = try refusal(clientContext: clientContext(client, serverName: "127.0.0.2"))
        let reason = rejection(clientError)
        XCTAssertTrue(reason.contains("IP address mismatch"), reason)
    }

    func testClientRefusesAServerWhoseCertificateIsOnlyForClients() throws {
        let serverContext = try TLSContext(
            .server(certificateChainPath: client.certificatePath, privateKeyPath: client.keyPath))
        let (_, clientError) = try refusal(
            clientContext: clientContext(nil, serverName: "node-1"), serverContext: serverContext)
        let reason = rejection(clientError)
        XCTAssertTrue(reason.contains("unsuitable certificate purpose"), reason)
    }

    func testTLSOnlyServerFailsCleanlyOnPlaintextConnect() throws {
        let serverSession = try mutualServerContext().makeSession()
        try serverSession.feedIncoming(Array("CONNECT {}\r\n".utf8))
        guard case .failed(.handshakeFailed(let reason)) = serverSession.handshake() else {
            return XCTFail("plaintext was not refused")
        }
        XCTAssertTrue(reason.contains("https proxy request"), reason)  // OpenSSL recognises "CONNECT".
        XCTAssertEqual(serverSession.handshake(), .failed(.handshakeFailed(reason: reason)), "the failure sticks")
        XCTAssertThrowsError(try serverSession.feedIncoming([1, 2, 3]))
    }

    func testServerRefusesATLS11Client() throws {
        var legacy = TLSConfiguration.client(trustedAuthoritiesPath: authorityPath, serverName: "broker.test")
        legacy.legacyProtocolsForTesting = true
        let (serverError, clientError) = try refusal(clientContext: TLSContext(legacy))
        guard case .handshakeFailed(let reason) = serverError else {
            return XCTFail("\(String(describing: serverError))")
        }
        XCTAssertTrue(reason.contains("unsupported protocol"), reason)
        XCTAssertTrue("\(clientError!)".contains("protocol version"), "\(clientError!)")
    }
}

extension TLSSession.HandshakeStatus {
    /// The error of `.failed`, else nil.
    var error: TLSError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
