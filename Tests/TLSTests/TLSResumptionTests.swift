import COpenSSL
import XCTest

@testable import TLS

/// TLS 1.3 session resumption: what resumes, what it carries, and what still needs a full handshake.
final class TLSResumptionTests: TLSTestCase {
    /// A broker context requiring client certificates and issuing tickets lasting `lifetime`.
    func resumingServerContext(lifetime: Duration = .seconds(3600)) throws -> TLSContext {
        try TLSContext(
            .server(
                certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath,
                trustedAuthoritiesPath: authorityPath, verifyPeer: true, sessionTicketLifetime: lifetime))
    }

    /// Connects a client of `clientContext` to `serverContext`, offering `saved`; moves a message from
    /// the server so the client reads the ticket that follows the handshake.
    func connect(
        _ clientContext: TLSContext, to serverContext: TLSContext, resuming saved: TLSSavedSession? = nil
    ) throws -> (client: TLSSession, server: TLSSession, status: TLSSession.HandshakeStatus) {
        let clientSession = try clientContext.makeSession(resuming: saved)
        let serverSession = try serverContext.makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        if result.server == .complete {
            _ = try? Pump.send(Array("INFO".utf8), from: serverSession, to: clientSession)
        }
        return (clientSession, serverSession, result.server)
    }

    func testASecondConnectionResumesTheFirstOnesSessionWithTheSameVerifiedClient() throws {
        let serverContext = try resumingServerContext()
        let clientContext = try clientContext(client)
        let first = try connect(clientContext, to: serverContext)
        XCTAssertEqual(first.status, .complete)
        XCTAssertFalse(first.server.isResumed)
        let saved = try XCTUnwrap(first.client.savedSession, "the server's ticket arrived with its first message")

        let second = try connect(clientContext, to: serverContext, resuming: saved)
        XCTAssertEqual(second.status, .complete)
        XCTAssertTrue(second.server.isResumed)
        XCTAssertTrue(second.client.isResumed)
        XCTAssertEqual(second.server.protocolVersion, "TLSv1.3")
        XCTAssertTrue(second.server.isPeerVerified, "the identity verified in the full handshake")
        XCTAssertEqual(second.server.peerCertificate?.commonName, "node-1")
        XCTAssertEqual(second.server.peerCertificate?.role, "agent")
        XCTAssertEqual(second.server.peerCertificate, first.server.peerCertificate)
        XCTAssertEqual(try Pump.send(Array("PING".utf8), from: second.client, to: second.server), Array("PING".utf8))
    }

    func testAResumedConnectionGetsNoNewTicketSoResumptionCannotOutliveTheFullHandshake() throws {
        let serverContext = try resumingServerContext()
        let clientContext = try clientContext(client)
        let saved = try XCTUnwrap(try connect(clientContext, to: serverContext).client.savedSession)
        let second = try connect(clientContext, to: serverContext, resuming: saved)
        XCTAssertTrue(second.server.isResumed)
        let again = try XCTUnwrap(second.client.savedSession)
        XCTAssertFalse(saved.ticket.isEmpty)
        XCTAssertEqual(again.ticket, saved.ticket, "still the ticket of the full handshake")
        XCTAssertEqual(again.issuedAt, saved.issuedAt)
    }

    func testOneSavedSessionResumesConnectionAfterConnectionEvenWhenOneEndedWithoutClosing() throws {
        let serverContext = try resumingServerContext()
        let clientContext = try clientContext(client)
        let saved = try XCTUnwrap(try connect(clientContext, to: serverContext).client.savedSession)
        for attempt in 0..<3 {
            // Each connection is dropped without close_notify, as when the network fails.
            let resumed = try connect(clientContext, to: serverContext, resuming: saved)
            XCTAssertTrue(resumed.server.isResumed, "attempt \(attempt)")
        }
        XCTAssertEqual(serverContext.cachedSessionCount, 1, "one session, from the full handshake")
    }

    func testWithoutATicketLifetimeTheServerIssuesNoTicketAndNothingResumes() throws {
        let serverContext = try mutualServerContext()
        let clientContext = try clientContext(client)
        let first = try connect(clientContext, to: serverContext)
        XCTAssertEqual(first.status, .complete)
        XCTAssertNil(first.client.savedSession)
        let resumable = try XCTUnwrap(try connect(clientContext, to: resumingServerContext()).client.savedSession)
        let second = try connect(clientContext, to: serverContext, resuming: resumable)
        XCTAssertEqual(second.status, .complete)
        XCTAssertFalse(second.server.isResumed)
    }

    func testATicketFromAnotherContextRunsAFullHandshakeAsAfterARestartOrReload() throws {
        let clientContext = try clientContext(client)
        let saved = try XCTUnwrap(try connect(clientContext, to: resumingServerContext()).client.savedSession)
        let restarted = try connect(clientContext, to: resumingServerContext(), resuming: saved)
        XCTAssertEqual(restarted.status, .complete)
        XCTAssertFalse(restarted.server.isResumed)
        XCTAssertTrue(restarted.server.isPeerVerified)
        XCTAssertNotNil(restarted.client.savedSession, "a fresh ticket for the next time")
    }

    func testATicketOlderThanItsLifetimeRunsAFullHandshake() throws {
        let serverContext = try resumingServerContext(lifetime: .seconds(1))
        let clientContext = try clientContext(client)
        let saved = try XCTUnwrap(try connect(clientContext, to: serverContext).client.savedSession)
        XCTAssertEqual(saved.lifetime, 1)
        usleep(2_100_000)
        let late = try connect(clientContext, to: serverContext, resuming: saved)
        XCTAssertEqual(late.status, .complete)
        XCTAssertFalse(late.server.isResumed)
    }

    func testAClientCertificateThatExpiredCannotResumeWithinTheTicketLifetime() throws {
        let shortLived = try issue(
            CertificateRequest(
                commonName: "node-2", role: "agent", usage: .client,
                validity: .window(notBeforeOffset: -60, notAfterOffset: 2)),
            name: "short")
        let serverContext = try resumingServerContext()
        let clientContext = try clientContext(shortLived)
        let first = try connect(clientContext, to: serverContext)
        XCTAssertEqual(first.status, .complete)
        let saved = try XCTUnwrap(first.client.savedSession)
        usleep(3_100_000)
        let late = try connect(clientContext, to: serverContext, resuming: saved)
        guard case .failed(.certificateRejected(let reason)) = late.status else {
            return XCTFail("expected the expired certificate to be refused, got \(late.status)")
        }
        XCTAssertTrue(reason.contains("expired"), reason)
    }

    func testACertificateFromAnotherAuthorityIsStillRefusedWhenTheServerIssuesTickets() throws {
        let stranger = try CertificateIssuer.createAuthority(commonName: "stranger CA", validityDays: 30)
        let intruder = try issue(
            CertificateRequest(commonName: "node-1", role: "agent", usage: .client), name: "intruder", signer: stranger)
        let refused = try connect(clientContext(intruder), to: resumingServerContext())
        guard case .failed(.certificateRejected) = refused.status else {
            return XCTFail("expected a refusal, got \(refused.status)")
        }
        XCTAssertNil(refused.client.savedSession)
    }

    func testATLS12ConnectionIsNeverSavedForResumptionNorResumedByItsSessionID() throws {
        var configuration = TLSConfiguration.client(
            trustedAuthoritiesPath: authorityPath, certificateChainPath: client.certificatePath,
            privateKeyPath: client.keyPath, serverName: "broker.test")
        configuration.maximumVersionForTesting = TLS1_2_VERSION
        let clientContext = try TLSContext(configuration)
        let serverContext = try resumingServerContext()
        let first = try connect(clientContext, to: serverContext)
        XCTAssertEqual(first.status, .complete)
        XCTAssertEqual(first.server.protocolVersion, "TLSv1.2")
        XCTAssertNil(first.client.savedSession)
        XCTAssertEqual(serverContext.cachedSessionCount, 0)
        // Offered anyway, as a TLS 1.2 client keeps its session id.
        let session = try XCTUnwrap(SSL_get_session(first.client.ssl).flatMap { SSL_SESSION_dup($0) })
        let second = try connect(clientContext, to: serverContext, resuming: TLSSavedSession(taking: session))
        XCTAssertEqual(second.status, .complete)
        XCTAssertFalse(second.server.isResumed)
    }

    func testTheSessionCacheIsBounded() throws {
        let bound = SSL_CTX_ctrl(try resumingServerContext().pointer, SSL_CTRL_GET_SESS_CACHE_SIZE, 0, nil)
        XCTAssertEqual(bound, TLSContext.sessionCacheSize)
    }

    func testAFullCacheDropsTheOldestSessionSoItsClientRunsAFullHandshakeAndTheCountStaysAtTheBound() throws {
        var configuration = TLSConfiguration.server(
            certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath,
            trustedAuthoritiesPath: authorityPath, verifyPeer: true, sessionTicketLifetime: .seconds(3600))
        configuration.sessionCacheSizeForTesting = 3
        let serverContext = try TLSContext(configuration)
        let clientContext = try clientContext(client)
        var saved: [TLSSavedSession] = []
        for _ in 0..<5 {
            saved.append(try XCTUnwrap(try connect(clientContext, to: serverContext).client.savedSession))
            XCTAssertLessThanOrEqual(serverContext.cachedSessionCount, 3)
        }
        // OpenSSL 3.0 makes room as soon as the cache is full, so it holds one fewer than its bound.
        XCTAssertTrue((2...3).contains(serverContext.cachedSessionCount), "\(serverContext.cachedSessionCount)")
        let oldest = try connect(clientContext, to: serverContext, resuming: saved[0])
        XCTAssertEqual(oldest.status, .complete)
        XCTAssertFalse(oldest.server.isResumed, "dropped when the cache was full: a full handshake instead")
        let newest = try connect(clientContext, to: serverContext, resuming: saved[4])
        XCTAssertTrue(newest.server.isResumed)
        XCTAssertLessThanOrEqual(serverContext.cachedSessionCount, 3)
    }

    func testATicketLifetimeOutsideOneSecondToSevenDaysIsRefused() throws {
        for lifetime in [Duration.zero, .milliseconds(500), .seconds(7 * 24 * 3600 + 1)] {
            XCTAssertThrowsError(try resumingServerContext(lifetime: lifetime), "\(lifetime)")
        }
    }
}
