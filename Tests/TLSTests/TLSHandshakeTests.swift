import COpenSSL
import TestSupport
import XCTest

@testable import TLS

/// Mutual TLS between two in-memory sessions: handshake, data both ways, close.
final class TLSHandshakeTests: TLSTestCase {
    func testMutualHandshakeSucceedsAndBothSidesSeeEachOthersVerifiedCertificate() throws {
        let (clientSession, serverSession) = try connectedPair()
        XCTAssertTrue(serverSession.isPeerVerified)
        XCTAssertTrue(clientSession.isPeerVerified)
        XCTAssertEqual(serverSession.peerVerificationResult, "ok")
        XCTAssertEqual(serverSession.peerCertificate?.commonName, "node-1")
        XCTAssertEqual(clientSession.peerCertificate?.commonName, "broker")
        XCTAssertEqual(serverSession.requestedServerName, "broker.test")
        XCTAssertEqual(clientSession.protocolVersion, "TLSv1.3")
        XCTAssertFalse(serverSession.cipherSuite.isEmpty)
    }

    func testPlaintextRoundTripsBothWays() throws {
        let (clientSession, serverSession) = try connectedPair()
        let request = Array("CONNECT {\"verbose\":false}\r\nPING\r\n".utf8)
        XCTAssertEqual(try Pump.send(request, from: clientSession, to: serverSession), request)
        let reply = Array("PONG\r\n".utf8)
        XCTAssertEqual(try Pump.send(reply, from: serverSession, to: clientSession), reply)
    }

    func testOneMebibyteRoundTripsBothWays() throws {
        let (clientSession, serverSession) = try connectedPair()
        var generator = SeededGenerator(seed: 1)
        let payload = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        XCTAssertEqual(try Pump.send(payload, from: clientSession, to: serverSession), payload)
        XCTAssertEqual(try Pump.send(payload, from: serverSession, to: clientSession), payload)
        XCTAssertEqual(clientSession.incomingByteCount, 0)
        XCTAssertEqual(serverSession.outgoingByteCount, 0)
    }

    func testHandshakeAndDataSurviveFeedingOneByteAtATime() throws {
        let clientSession = try clientContext(client).makeSession()
        let serverSession = try mutualServerContext().makeSession()
        var rounds = 0
        while clientSession.handshake() != .complete || serverSession.handshake() != .complete {
            rounds += 1
            XCTAssertLessThan(rounds, 16, "handshake did not finish")
            if rounds >= 16 { return }
            for byte in clientSession.takeOutgoing() {
                try serverSession.feedIncoming([byte])
                XCTAssertNotEqual(serverSession.handshake(), .failed(.connectionClosed))
            }
            for byte in serverSession.takeOutgoing() {
                try clientSession.feedIncoming([byte])
                if case .failed(let error) = clientSession.handshake() { XCTFail("\(error)") }
            }
        }
        let message = Array("PUB jobs 5\r\nhello\r\n".utf8)
        try clientSession.writePlaintext(message)
        var received: [UInt8] = []
        for byte in clientSession.takeOutgoing() {
            try serverSession.feedIncoming([byte])
            received += try Pump.readAll(serverSession)
        }
        XCTAssertEqual(received, message)
    }

    func testOutgoingBytesCanBeSentInPiecesWithoutCopyingThemOut() throws {
        let (clientSession, serverSession) = try connectedPair()
        let payload = [UInt8](repeating: 0x2A, count: 100_000)
        try clientSession.writePlaintext(payload)
        var pieces = 0
        while clientSession.outgoingByteCount > 0 {
            let sent = clientSession.withOutgoingBytes { bytes in
                // A socket that takes at most 1000 bytes per write.
                try? serverSession.feedIncoming(UnsafeRawBufferPointer(rebasing: bytes.prefix(1000)))
                return min(bytes.count, 1000)
            }
            clientSession.consumeOutgoing(sent)
            pieces += 1
        }
        XCTAssertGreaterThan(pieces, 100)
        XCTAssertEqual(try Pump.readAll(serverSession), payload)
    }

    func testCloseNotifyTellsThePeerTheConnectionEnded() throws {
        let (clientSession, serverSession) = try connectedPair()
        _ = try Pump.send(Array("last words".utf8), from: clientSession, to: serverSession)
        clientSession.close()
        XCTAssertGreaterThan(clientSession.outgoingByteCount, 0, "close_notify is queued")
        Pump.transfer(from: clientSession, to: serverSession)
        XCTAssertEqual(try Pump.readAll(serverSession), [])
        XCTAssertTrue(serverSession.isClosedByPeer)
        XCTAssertThrowsError(try clientSession.writePlaintext([1])) { error in
            guard case TLSError.invalidState = error else { return XCTFail("\(error)") }
        }
        // The server may still answer before closing its side.
        serverSession.close()
        Pump.transfer(from: serverSession, to: clientSession)
        XCTAssertEqual(try Pump.readAll(clientSession), [])
        XCTAssertTrue(clientSession.isClosedByPeer)
    }

    func testServerWithoutClientVerificationAcceptsAnonymousClients() throws {
        let serverContext = try TLSContext(
            .server(certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath))
        let clientSession = try clientContext(nil).makeSession()
        let serverSession = try serverContext.makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.server, .complete)
        XCTAssertEqual(result.client, .complete)
        XCTAssertNil(serverSession.peerCertificate)
        XCTAssertFalse(serverSession.isPeerVerified)
    }

    func testClientVerifiesTheServerByIPAddressWhenGivenOne() throws {
        let clientSession = try clientContext(client, serverName: "127.0.0.1").makeSession()
        let serverSession = try mutualServerContext().makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.client, .complete)
        XCTAssertEqual(result.server, .complete)
        XCTAssertNil(serverSession.requestedServerName, "no SNI for an IP address")
    }

    func testATLS12OnlyClientGetsAForwardSecretAEADSuite() throws {
        var configuration = TLSConfiguration.client(
            trustedAuthoritiesPath: authorityPath, certificateChainPath: client.certificatePath,
            privateKeyPath: client.keyPath, serverName: "broker.test")
        configuration.maximumVersionForTesting = TLS1_2_VERSION
        let clientSession = try TLSContext(configuration).makeSession()
        let serverSession = try mutualServerContext().makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.client, .complete)
        XCTAssertEqual(result.server, .complete)
        XCTAssertEqual(serverSession.protocolVersion, "TLSv1.2")
        XCTAssertEqual(serverSession.cipherSuite, "ECDHE-ECDSA-AES128-GCM-SHA256")
        XCTAssertEqual(serverSession.peerCertificate?.role, "agent")
        let message = Array("PING\r\n".utf8)
        XCTAssertEqual(try Pump.send(message, from: clientSession, to: serverSession), message)
    }

    func testSessionsFromOneContextAreIndependent() throws {
        let clientContext = try clientContext(client)
        let serverContext = try mutualServerContext()
        for index in 0..<5 {
            let clientSession = try clientContext.makeSession()
            let serverSession = try serverContext.makeSession()
            let result = Pump.handshake(client: clientSession, server: serverSession)
            XCTAssertEqual(result.server, .complete)
            let message = Array("message \(index)".utf8)
            XCTAssertEqual(try Pump.send(message, from: clientSession, to: serverSession), message)
        }
    }
}
