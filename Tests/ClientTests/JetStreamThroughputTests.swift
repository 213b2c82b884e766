@testable import Client
import Synchronization
import XCTest

/// Rates a JetStream bench needs: asynchronous publish with acks (a window in flight) and fetch + ack.
/// Prints, asserts nothing about speed; runs only with `FFRTMP_JS_BENCH=1` (best in release:
/// `swift test -c release -Xswiftc -enable-testing --filter JetStreamThroughput`).
final class JetStreamThroughputTests: JetStreamTestCase {
    let messageCount = 200_000
    let payload = [UInt8](repeating: 0x61, count: 128)

    override func setUpWithError() throws {
        guard ProcessInfoLite.environment["FFRTMP_JS_BENCH"] == "1" else {
            throw XCTSkip("set FFRTMP_JS_BENCH=1 to measure JetStream rates")
        }
        try super.setUpWithError()
    }

    func testMeasureAsyncPublishAndPullAckRates() throws {
        for retention in [StreamConfig.RetentionPolicy.workqueue, .limits] {
            let name = retention == .workqueue ? "WORK" : "LOG"
            try context.addStream(StreamConfig(name: name, subjects: [name.lowercased() + ".>"], retention: retention))
            try context.addOrUpdateConsumer(stream: name, ConsumerConfig(durableName: "bench", maxAckPending: 20_000))
            let published: Double
            let pulled: Double
            do {
                published = try measurePublish(subject: name.lowercased() + ".x", window: 256)
            } catch {
                return XCTFail("publishing to \(name) failed: \(error)")
            }
            do {
                pulled = try measurePullAndAck(stream: name, batch: 256)
            } catch {
                return XCTFail("pulling from \(name) failed: \(error)")
            }
            let server = server.isBroker ? "ffrtmp broker" : "nats-server"
            print(
                "JetStream bench (\(server), \(retention.rawValue), \(messageCount) × 128 B): "
                    + "async publish with ack \(Int(published)) msg/s (window 256), "
                    + "fetch 256 + ack each \(Int(pulled)) msg/s")
        }
    }

    /// Publishes `messageCount` messages with at most `window` acks outstanding; messages per second.
    private func measurePublish(subject: String, window: Int) throws -> Double {
        let publisher = JetStreamContext(connection: try connect(), timeout: .seconds(10), maxPendingPublishes: window)
        let failures = Atomic<Int>(0)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<messageCount {
            try publisher.publisher.publish(subject, payload: payload, headers: nil) { result in
                if case .failure = result { failures.add(1, ordering: .relaxed) }
            }
        }
        try publisher.waitForPendingAcks(timeout: .seconds(30))
        let elapsed = clock.now - start
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
        return Double(messageCount) / Self.seconds(elapsed)
    }

    /// Fetches everything in batches and acks each message; messages per second.
    private func measurePullAndAck(stream: String, batch: Int) throws -> Double {
        let pull = try JetStreamContext(connection: try connect()).pullSubscribe(stream: stream, consumer: "bench")
        let clock = ContinuousClock()
        let start = clock.now
        var received = 0
        while received < messageCount {
            // The last batch asks only for what is left, or it would wait for its expiry.
            let messages = try pull.fetch(batch: min(batch, messageCount - received), expires: .seconds(2))
            if messages.isEmpty { break }
            for message in messages { try message.ack() }
            received += messages.count
        }
        try pull.context.connection.flush()
        let elapsed = clock.now - start
        XCTAssertEqual(received, messageCount)
        return Double(received) / Self.seconds(elapsed)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
