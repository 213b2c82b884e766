@testable import Client
import TestSupport
import XCTest

/// A client that loses its TLS connection offers the session of that connection when it reconnects
/// to the same server, which then skips the certificate exchange (nats-server issues tickets).
final class TLSReconnectResumptionTests: ClientTLSTestCase {
    func testAReconnectToTheSameServerResumesTheLastTLSSession() throws {
        let server = try startServer()
        let connection = try NATSConnection.connect(url: server.url, options: options(tlsOptions()))
        defer { connection.close() }
        XCTAssertFalse(connection.isTLSSessionResumed, "the first connection runs a full handshake")
        XCTAssertNotNil(connection.savedTLSSession, "the server's ticket arrived before PONG")

        connection.lock.withLock { connection.transport?.shutdown() }  // The network drops it.
        XCTAssertTrue(eventually { connection.statistics.reconnects == 1 && connection.currentStatus == .connected })
        XCTAssertTrue(connection.isTLSSessionResumed)
        let subscription = try connection.subscribeSync("after.resumption")
        try connection.publish("after.resumption", payload: "still mutual TLS")
        XCTAssertEqual(try subscription.nextMessage(timeout: .seconds(2)).string, "still mutual TLS")
    }
}
