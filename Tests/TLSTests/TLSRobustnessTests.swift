import TestSupport
import XCTest

@testable import TLS

/// Hostile or broken peers: random bytes at each stage, stalls, floods. Nothing may crash, hang or
/// hold unbounded memory.
final class TLSRobustnessTests: TLSTestCase {
    /// The stages at which garbage is injected, by how many flights were exchanged first.
    enum Stage: CaseIterable {
        /// A fresh server receives garbage instead of a ClientHello.
        case serverBeforeClientHello
        /// A client that sent its ClientHello receives garbage instead of the server's flight.
        case clientAfterClientHello
        /// A server that answered the ClientHello receives garbage instead of the client's finish.
        case serverAfterServerHello
        /// Both finished; garbage instead of application records.
        case afterHandshake
    }

    func testRandomBytesAtEveryStageFailCleanly() throws {
        let clientContext = try clientContext(client)
        let serverContext = try mutualServerContext()
        var generator = SeededGenerator(seed: 42)
        for stage in Stage.allCases {
            var failures = 0
            for trial in 0..<40 {
                let clientSession = try clientContext.makeSession()
                let serverSession = try serverContext.makeSession()
                let garbage = generator.bytes(1 + trial * 97)
                let victim = try advance(client: clientSession, server: serverSession, to: stage)
                do {
                    try victim.feedIncoming(garbage)
                    if victim.isHandshakeComplete {
                        _ = try Pump.readAll(victim)
                    } else if case .failed = victim.handshake() {
                        failures += 1
                        continue
                    }
                } catch {
                    failures += 1
                    continue
                }
                // Bytes that look like the start of a long record: the session waits, within its limit.
                XCTAssertLessThanOrEqual(victim.incomingByteCount, 64 * 1024)
                XCTAssertNil(victim.failure)
            }
            XCTAssertGreaterThan(failures, 30, "\(stage): random bytes were mostly accepted")
        }
    }

    func testRandomBytesAfterTheHandshakeEndTheSessionWithAProtocolError() throws {
        let (_, serverSession) = try connectedPair()
        var generator = SeededGenerator(seed: 7)
        // A well-formed application-data header with a random body: decryption must fail.
        try serverSession.feedIncoming([0x17, 0x03, 0x03, 0x01, 0x00] + generator.bytes(256))
        XCTAssertThrowsError(try Pump.readAll(serverSession)) { error in
            guard case TLSError.protocolError(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("bad record mac") || reason.contains("decryption failed"), reason)
        }
        XCTAssertGreaterThan(serverSession.outgoingByteCount, 0, "an alert for the peer is queued")
    }

    func testAPeerThatStopsMidHandshakeLeavesTheSessionWaiting() throws {
        let clientSession = try clientContext(client).makeSession()
        let serverSession = try mutualServerContext().makeSession()
        XCTAssertEqual(clientSession.handshake(), .needsMoreInput)
        let hello = clientSession.takeOutgoing()
        try serverSession.feedIncoming(Array(hello.prefix(hello.count / 2)))
        for _ in 0..<3 { XCTAssertEqual(serverSession.handshake(), .needsMoreInput) }
        XCTAssertEqual(serverSession.outgoingByteCount, 0)
        XCTAssertLessThanOrEqual(serverSession.incomingByteCount, hello.count)
        // The rest arrives late: the handshake carries on.
        try serverSession.feedIncoming(Array(hello.dropFirst(hello.count / 2)))
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.server, .complete)
    }

    func testAFloodBeforeTheHandshakeIsCutOffAtTheLimit() throws {
        let serverSession = try mutualServerContext().makeSession()
        // A record header announcing a large handshake record, then more bytes than a handshake may hold.
        try serverSession.feedIncoming([0x16, 0x03, 0x01, 0x40, 0x00])
        let chunk = [UInt8](repeating: 0x01, count: 16 * 1024)
        var thrown: TLSError?
        for _ in 0..<8 where thrown == nil {
            do { try serverSession.feedIncoming(chunk) } catch { thrown = error }
        }
        XCTAssertEqual(thrown, .bufferLimitExceeded(limit: 64 * 1024))
        XCTAssertLessThanOrEqual(serverSession.incomingByteCount, 64 * 1024)
        XCTAssertEqual(serverSession.handshake(), .failed(.bufferLimitExceeded(limit: 64 * 1024)))
    }

    func testReadingOrWritingBeforeTheHandshakeIsAnError() throws {
        let clientSession = try clientContext(client).makeSession()
        XCTAssertThrowsError(try clientSession.writePlaintext([1])) { error in
            guard case TLSError.invalidState = error else { return XCTFail("\(error)") }
        }
        var buffer = [UInt8](repeating: 0, count: 16)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try clientSession.readPlaintext(into: $0) })
    }

    /// Exchanges flights until `stage` and returns the session that receives the garbage.
    private func advance(client: TLSSession, server: TLSSession, to stage: Stage) throws -> TLSSession {
        switch stage {
        case .serverBeforeClientHello:
            return server
        case .clientAfterClientHello:
            _ = client.handshake()
            _ = client.takeOutgoing()
            return client
        case .serverAfterServerHello:
            _ = client.handshake()
            Pump.transfer(from: client, to: server)
            _ = server.handshake()
            _ = server.takeOutgoing()
            return server
        case .afterHandshake:
            let result = Pump.handshake(client: client, server: server)
            XCTAssertEqual(result.server, .complete)
            return server
        }
    }
}
