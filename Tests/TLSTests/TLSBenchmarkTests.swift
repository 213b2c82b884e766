import Glibc
import XCTest

@testable import TLS

/// Prints (never asserts) handshake rate and bulk throughput over memory, one core doing both ends.
/// Figures are most meaningful from a release build:
/// `swift test -c release -Xswiftc -enable-testing --filter TLSBenchmarkTests`.
final class TLSBenchmarkTests: TLSTestCase {
    func testPrintHandshakesPerSecondWithMutualP256Certificates() throws {
        let clientContext = try clientContext(client)
        let serverContext = try mutualServerContext()
        let count = 200
        let elapsed = try Self.best(of: 3) {
            for _ in 0..<count {
                let clientSession = try clientContext.makeSession()
                let serverSession = try serverContext.makeSession()
                let result = Pump.handshake(client: clientSession, server: serverSession)
                XCTAssertEqual(result.server, .complete)
            }
        }
        let rate = Double(count) / elapsed
        print(
            "benchmark tls.handshakes: \(count) mTLS handshakes (ECDSA P-256 certs, X25519, TLS 1.3)"
                + " in \(Self.format(elapsed)) s = \(Int(rate)) handshakes/s (both ends on one core, best of 3)")
    }

    func testPrintResumedHandshakesPerSecondAgainstFullOnes() throws {
        let clientContext = try clientContext(client)
        let serverContext = try TLSContext(
            .server(
                certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath,
                trustedAuthoritiesPath: authorityPath, verifyPeer: true, sessionTicketLifetime: .seconds(3600)))
        let first = try clientContext.makeSession()
        let firstServer = try serverContext.makeSession()
        XCTAssertEqual(Pump.handshake(client: first, server: firstServer).server, .complete)
        _ = try Pump.send(Array("INFO".utf8), from: firstServer, to: first)
        let saved = try XCTUnwrap(first.savedSession)
        let count = 200
        var rates: [Double] = []
        for resuming in [nil, saved] {
            let elapsed = try Self.best(of: 3) {
                for _ in 0..<count {
                    let clientSession = try clientContext.makeSession(resuming: resuming)
                    let serverSession = try serverContext.makeSession()
                    XCTAssertEqual(Pump.handshake(client: clientSession, server: serverSession).server, .complete)
                    XCTAssertEqual(serverSession.isResumed, resuming != nil)
                }
            }
            rates.append(Double(count) / elapsed)
        }
        print(
            "benchmark tls.resumption: \(count) mTLS handshakes with tickets on: full \(Int(rates[0]))/s,"
                + " resumed \(Int(rates[1]))/s (\(Self.format(rates[1] / rates[0]))×;"
                + " both ends on one core, best of 3)")
    }

    func testPrintBulkThroughputOverMemory() throws {
        let (clientSession, serverSession) = try connectedPair()
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let total = 256 << 20
        var received = 0
        let elapsed = try Self.best(of: 3) {
            received = 0
            while received < total {
                try clientSession.writePlaintext(chunk)
                let moved = try clientSession.withOutgoingBytes { (bytes) throws -> Int in
                    try serverSession.feedIncoming(bytes)
                    return bytes.count
                }
                clientSession.consumeOutgoing(moved)
                while true {
                    let count = try buffer.withUnsafeMutableBytes { try serverSession.readPlaintext(into: $0) }
                    if count == 0 { break }
                    received += count
                }
            }
        }
        let megabytes = Double(received) / 1_000_000
        print(
            "benchmark tls.throughput: \(received >> 20) MiB encrypted and decrypted (\(clientSession.cipherSuite))"
                + " in \(Self.format(elapsed)) s = \(Int(megabytes / elapsed)) MB/s (both ends on one core, best of 3)")
    }

    /// The shortest of `runs` timings of `body`, in seconds (the machine is shared; the minimum is the
    /// least disturbed).
    static func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = seconds()
            try body()
            best = min(best, seconds() - start)
        }
        return best
    }

    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
