@testable import Broker
import Net
import Synchronization
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

    func testASubscriberThatNeverReadsIsCutOffWhileOthersReceiveEverything() throws {
        let stuck = try client(), healthy = try client(), publisher = try client()
        for subscriber in [stuck, healthy] {
            subscriber.handshake()
            subscriber.send("SUB flood 1\r\nPING\r\n")
            subscriber.read(until: "PONG\r\n")
        }
        publisher.handshake()
        let payload = String(repeating: "p", count: 1000)
        let batch = String(repeating: "PUB flood 1000\r\n\(payload)\r\n", count: 100)
        let batches = 200  // 20 MB in all: far above max_pending for the stuck reader
        let frameSize = "MSG flood 1 1000\r\n".utf8.count + 1000 + 2
        let expected = batches * 100 * frameSize
        let healthyBytes = Atomic<Int>(0)
        let readerDone = Atomic<Bool>(false)
        let healthyFD = healthy.fd
        let reader = SystemThread.start(name: "healthy-reader") {
            // The broker's keep-alive PINGs (every 100 ms here) arrive between messages: count only
            // the messages' bytes.
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var pings = PingCounter()
            var received = 0
            while received - pings.count * PingCounter.length < expected {
                let count = buffer.withUnsafeMutableBytes { recv(healthyFD, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += count
                pings.scan(buffer[..<count])
            }
            healthyBytes.store(received - pings.count * PingCounter.length, ordering: .relaxed)
            readerDone.store(true, ordering: .releasing)
        }
        for _ in 0..<batches { publisher.send(batch) }
        publisher.send("PING\r\n")
        XCTAssertTrue(publisher.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "publisher unaffected")
        XCTAssertTrue(eventually(20) { readerDone.load(ordering: .acquiring) })
        SystemThread.join(reader)
        XCTAssertEqual(healthyBytes.load(ordering: .relaxed), expected, "healthy subscriber got every byte")
        XCTAssertTrue(stuck.isClosedByServer(), "stuck subscriber disconnected")
        XCTAssertEqual(broker.statistics.slowConsumers, 1)
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

/// Counts `PING\r\n` lines in a byte stream read in chunks (a line may span two chunks).
private struct PingCounter {
    static let line = Array("PING\r\n".utf8)
    static var length: Int { line.count }
    private(set) var count = 0
    private var matched = 0

    mutating func scan(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if byte == Self.line[matched] {
                matched += 1
                if matched == Self.line.count {
                    count += 1
                    matched = 0
                }
            } else {
                matched = byte == Self.line[0] ? 1 : 0
            }
        }
    }
}
