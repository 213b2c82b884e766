@testable import Broker
import Net
import Synchronization
import TestSupport
import XCTest

/// A subscriber that never reads is cut off as a slow consumer while one that reads gets everything.
/// Its own class: keep-alive PINGs stay out of the byte counts (the class's ping interval is long).
final class SlowConsumerProtectionTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.maxPending = 256 * 1024
        config.maxPayload = 64 * 1024
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
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while healthyBytes.load(ordering: .relaxed) < expected {
                let count = buffer.withUnsafeMutableBytes { recv(healthyFD, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                healthyBytes.add(count, ordering: .relaxed)
            }
            readerDone.store(true, ordering: .releasing)
        }
        // Paced by the healthy reader (at most one batch, 100 kB, ahead of it: under max_pending), so
        // only the stuck reader falls behind, however loaded the machine is.
        let batchBytes = 100 * frameSize
        for sent in 0..<batches {
            let caughtUp = eventually(timeout: .seconds(20)) {
                healthyBytes.load(ordering: .relaxed) >= (sent - 1) * batchBytes
            }
            XCTAssertTrue(caughtUp, "healthy reader stalled at batch \(sent)")
            publisher.send(batch)
        }
        publisher.send("PING\r\n")
        XCTAssertTrue(publisher.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "publisher unaffected")
        XCTAssertTrue(eventually(timeout: .seconds(20)) { readerDone.load(ordering: .acquiring) })
        SystemThread.join(reader)
        XCTAssertEqual(healthyBytes.load(ordering: .relaxed), expected, "healthy subscriber got every byte")
        XCTAssertTrue(stuck.isClosedByServer(), "stuck subscriber disconnected")
        XCTAssertEqual(broker.statistics.slowConsumers, 1)
    }
}
