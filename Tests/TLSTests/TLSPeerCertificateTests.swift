import Glibc
import XCTest

@testable import TLS

/// What each side learns about the other's certificate through the handshake: the identity the broker
/// maps to a user and role.
final class TLSPeerCertificateTests: TLSTestCase {
    func testServerReadsTheClientsNameRoleAndAlternativeNames() throws {
        client = try issue(
            CertificateRequest(
                commonName: "node-42", role: "agent", dnsNames: ["node-42.farm.test"], usage: .client,
                validity: .days(30)),
            name: "node-42")
        let (_, serverSession) = try connectedPair()
        let peer = try XCTUnwrap(serverSession.peerCertificate)
        XCTAssertTrue(serverSession.isPeerVerified)
        XCTAssertEqual(peer.commonName, "node-42")
        XCTAssertEqual(peer.organizationalUnits, ["agent"])
        XCTAssertEqual(peer.uris, ["ffrtmp://role/agent"])
        XCTAssertEqual(peer.role, "agent")
        XCTAssertEqual(peer.dnsNames, ["node-42.farm.test"])
        XCTAssertEqual(peer.emails, [])
        XCTAssertEqual(peer.issuer, "CN=ffrtmp test CA")
        let now = Int64(time(nil))
        XCTAssertTrue(peer.isValid(atSeconds: now))
        XCTAssertEqual(peer.notAfter - now, 30 * 86_400, accuracy: 60)
    }

    func testClientReadsTheBrokersNamesAndRole() throws {
        let (clientSession, _) = try connectedPair()
        let peer = try XCTUnwrap(clientSession.peerCertificate)
        XCTAssertEqual(peer.commonName, "broker")
        XCTAssertEqual(peer.role, "broker")
        XCTAssertEqual(peer.dnsNames, ["broker.test"])
        XCTAssertEqual(peer.ipAddresses, ["127.0.0.1"])
        XCTAssertEqual(peer.extendedKeyUsage, ["serverAuth"])
        XCTAssertEqual(clientSession.peerVerificationResult, "ok")
    }

    func testNothingIsReportedBeforeTheHandshakeCompletes() throws {
        let session = try clientContext(client).makeSession()
        XCTAssertNil(session.peerCertificate)
        XCTAssertFalse(session.isPeerVerified)
        XCTAssertEqual(session.protocolVersion, "")
    }

    func testAnUnverifiedServerIsNotReportedAsVerified() throws {
        let trusting = try TLSContext(
            .client(
                trustedAuthoritiesPath: nil, certificateChainPath: client.certificatePath,
                privateKeyPath: client.keyPath, verifyPeer: false))
        let clientSession = try trusting.makeSession()
        let serverSession = try mutualServerContext().makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.client, .complete)
        XCTAssertNotNil(clientSession.peerCertificate)
        XCTAssertFalse(clientSession.isPeerVerified, "verifyPeer is off: the certificate is not an identity")
    }
}
