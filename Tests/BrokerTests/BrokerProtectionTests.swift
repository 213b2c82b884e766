@testable import Broker
import Net
import Synchronization
import TestSupport
import XCTest

/// Limits that keep one bad client from hurting the broker or other clients.
final class BrokerProtectionTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.maxPending = 256 * 1024
        config.maxPayload = 64 * 1024
        config.maxConnections = 20
        config.pingInterval = 100_000_000
        config.maxPingsOutstanding = 2
    }

    func testAClientThatNeverAnswersPingsIsClosedAsStale() throws {
        let silent = try client()
        silent.readInfo()
        let text = silent.read(until: "Connection'\r\n")
        XCTAssertTrue(text.hasPrefix("PING\r\nPING\r\n"), text.debugDescription)
        XCTAssertTrue(text.hasSuffix("-ERR 'Stale Connection'\r\n"), text.debugDescription)
        XCTAssertTrue(silent.isClosedByServer())
    }

    func testAClientThatAnswersPingsStaysConnected() throws {
        let alive = try client()
        alive.handshake()
        for _ in 0..<4 {
            alive.read(until: "PING\r\n")
            alive.send("PONG\r\n")
        }
        alive.send("PING\r\n")
        XCTAssertTrue(alive.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
    }

    func testConnectionsBeyondTheMaximumAreRefusedWithTheNatsError() throws {
        let clients = try (0..<20).map { _ in try client() }
        for each in clients { each.readInfo() }
        let extra = try client()
        let text = extra.read(until: "exceeded'\r\n")
        XCTAssertTrue(text.hasPrefix("INFO {"), text)
        XCTAssertTrue(text.hasSuffix("-ERR 'maximum connections exceeded'\r\n"), text)
        XCTAssertTrue(extra.isClosedByServer())
        let survivor = clients[0]
        survivor.send("CONNECT {\"verbose\":false}\r\nPING\r\n")
        XCTAssertTrue(survivor.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
    }

    func testAPayloadAboveMaxPayloadClosesOnlyThatClient() throws {
        let offender = try client(), bystander = try client()
        offender.handshake()
        bystander.handshake()
        offender.send("PUB big 65537\r\n")
        XCTAssertTrue(offender.read(until: "Violation'\r\n").hasSuffix("-ERR 'Maximum Payload Violation'\r\n"))
        XCTAssertTrue(offender.isClosedByServer())
        bystander.send("PING\r\n")
        XCTAssertTrue(bystander.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
    }

    func testGarbageFromManyClientsLeavesTheBrokerServingOthers() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<15 {
            let noisy = try client()
            noisy.readInfo()
            noisy.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let good = try client()
        good.handshake()
        good.send("SUB ok 1\r\nPUB ok 2\r\nhi\r\nPING\r\n")
        XCTAssertEqual(good.read(until: "PONG\r\n"), "MSG ok 1 2\r\nhi\r\nPONG\r\n")
        XCTAssertTrue(eventually { self.broker.statistics.connections == 1 })
    }
}
