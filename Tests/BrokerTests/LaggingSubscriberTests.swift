@testable import Broker
import Net
import Synchronization
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A publisher whose subscriber reads slower than it publishes stops being read until the subscriber
/// catches up, so the broker holds about `ClientConnection.laggingThreshold` of the subscriber's
/// output instead of everything published (up to `max_pending`). The wait limit is set far beyond the
/// test here; `SlowConsumerProtectionTests` checks that with the real one a subscriber that never
/// reads is still cut off.
final class LaggingSubscriberTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.laggingSubscriberWait = 60_000_000_000
    }

    func testAPublisherWaitsForASubscriberThatDoesNotReadAndEverythingArrivesOnceItReads() throws {
        let (subscriber, publisher, batch) = try subscriberAndPublisher(on: "lag")
        let batches = 320  // 32 MB: far more than loopback's socket buffers take in
        let frameSize = "MSG lag 1 1000\r\n".utf8.count + 1000 + 2
        let publisherFD = publisher.fd
        let sentEverything = Atomic<Bool>(false)
        // Sending blocks once the broker stops reading the publisher, so it runs on its own thread.
        let sender = SystemThread.start(name: "lagging-publisher") {
            for _ in 0..<batches { sendAll(batch, to: publisherFD) }
            sendAll(Array("PING\r\n".utf8), to: publisherFD)
            sentEverything.store(true, ordering: .releasing)
        }
        XCTAssertTrue(
            eventually { largestPendingOutput() > ClientConnection.laggingThreshold },
            "the subscriber's output grew past the threshold")
        usleep(300_000)
        let pending = largestPendingOutput()
        XCTAssertLessThanOrEqual(pending, ClientConnection.laggingThreshold + 2 * frameSize, "output held back")
        XCTAssertFalse(sentEverything.load(ordering: .acquiring), "the publisher waits")

        let received = receive(batches * 100 * frameSize, from: subscriber.fd)
        XCTAssertEqual(received, batches * 100 * frameSize, "every message arrived")
        XCTAssertTrue(publisher.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "the publisher is read again")
        SystemThread.join(sender)
        XCTAssertEqual(broker.statistics.slowConsumers, 0)
    }

    /// The most output any client of the broker has pending, read on each loop under its lock.
    private func largestPendingOutput() -> Int {
        let largest = LockedBox(0)
        for context in broker.clientContexts {
            context.loop.runAndWait {
                for client in context.connections.values {
                    let pending = client.outboundLock.withLock { client.outbound.readableCount }
                    largest.set(max(largest.get(), pending))
                }
            }
        }
        return largest.get()
    }
}

/// The write deadline counts from the last write that made progress, as nats-server's applies to one
/// write: a subscriber that keeps reading, more slowly than it is sent to, is not cut off by it.
/// (It was counted from the first write that found the socket full until the output was empty, which
/// a steadily lagging subscriber never reaches: nats.go fan-out runs lost their subscribers.)
final class WriteDeadlineTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.writeDeadline = 300_000_000
    }

    func testASubscriberThatKeepsReadingSlowlyIsNotCutOffByTheWriteDeadline() throws {
        let (subscriber, publisher, batch) = try subscriberAndPublisher(on: "slow")
        let batches = 200  // 20 MB, read at about 13 MB/s below: well past the 300 ms deadline
        let frameSize = "MSG slow 1 1000\r\n".utf8.count + 1000 + 2
        let publisherFD = publisher.fd
        let sender = SystemThread.start(name: "steady-publisher") {
            for _ in 0..<batches { sendAll(batch, to: publisherFD) }
            sendAll(Array("PING\r\n".utf8), to: publisherFD)
        }
        let received = receive(batches * 100 * frameSize, from: subscriber.fd, pausing: 5_000)
        XCTAssertEqual(received, batches * 100 * frameSize, "every message arrived")
        XCTAssertTrue(publisher.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
        SystemThread.join(sender)
        XCTAssertEqual(broker.statistics.slowConsumers, 0)
    }
}

extension BrokerTestCase {
    /// A subscriber on `subject` and a publisher, both past the handshake, and a batch of 100
    /// 1000-byte publishes on `subject`.
    fileprivate func subscriberAndPublisher(on subject: String) throws -> (RawClient, RawClient, [UInt8]) {
        let subscriber = try client(), publisher = try client()
        subscriber.handshake()
        subscriber.send("SUB \(subject) 1\r\nPING\r\n")
        subscriber.read(until: "PONG\r\n")
        publisher.handshake()
        let payload = String(repeating: "p", count: 1000)
        return (
            subscriber, publisher, Array(String(repeating: "PUB \(subject) 1000\r\n\(payload)\r\n", count: 100).utf8)
        )
    }
}

/// Reads from `fd` until `total` bytes came or the connection ended, pausing `pause` microseconds
/// after each read; returns the bytes read.
private func receive(_ total: Int, from fd: Int32, pausing pause: useconds_t = 0) -> Int {
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while received < total {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { break }
        received += count
        if pause > 0 { usleep(pause) }
    }
    return received
}

private func sendAll(_ bytes: [UInt8], to fd: Int32) {
    var offset = 0
    while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent <= 0 { return }
        offset += sent
    }
}
