@testable import Broker
import TestSupport
import Foundation
import XCTest

/// A publisher flooding JetStream faster than it stores is slowed, not refused: its connection stops
/// reading while its share of the hand-off is full, and reads on once the JetStream thread has
/// drained the share to half; the other connections of its loop are served meanwhile.
final class JetStreamBackPressureTests: JetStreamBrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        super.configure(&config)
        config.eventLoops = 1  // the publisher and the bystander share one loop
    }

    func testAFloodOfTenTimesTheBoundIsStoredWholeWhileTheLoopServesOthers() throws {
        let setup = try inboxClient("setup")
        makeStream(setup, inbox: "_INBOX.setup.api", consumer: nil)
        let engine = engine
        let bound = 40
        engine.intake.maximumMessages.store(bound, ordering: .relaxed)
        defer { engine.intake.maximumMessages.store(JetStreamIntake.defaultMaximumMessages, ordering: .relaxed) }
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        engine.loop.execute {
            entered.signal()
            gate.wait()
        }
        entered.wait()

        let publisher = try inboxClient("flood")
        let bystander = try inboxClient("bystander")
        let count = bound * 10
        let payload = String(repeating: "x", count: 1000)
        let flood = (1...count).map { "PUB job.a _INBOX.flood.\($0) \(payload.utf8.count)\r\n\(payload)\r\n" }.joined()
        let sent = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let sender = publisher
        DispatchQueue.global().async {
            sender.send(flood)  // replies are not read until everything is sent
            sent.signal()
        }
        // The JetStream thread is blocked: the publisher fills its share and stops reading.
        XCTAssertTrue(eventually { engine.intake.pauses.load(ordering: .relaxed) >= 1 })
        XCTAssertEqual(engine.intake.waiting, engine.intake.shareMessages)
        bystander.send("PING\r\n")
        XCTAssertTrue(bystander.read(until: "PONG\r\n").hasSuffix("PONG\r\n"), "the loop serves other connections")

        gate.signal()
        XCTAssertEqual(sent.wait(timeout: .now() + 30), .success, "the whole flood was read")
        let acks = publisher.read(until: #""seq":\#(count)}"#)
        XCTAssertEqual(acks.components(separatedBy: "MSG _INBOX.flood.").count - 1, count)
        XCTAssertFalse(acks.contains("error"), String(acks.prefix(400)))
        let info = request(setup, "$JS.API.STREAM.INFO.JOBS", "", reply: "_INBOX.setup.info")
        XCTAssertTrue(info.contains(#""messages":\#(count)"#), info)
        XCTAssertEqual(engine.intake.refused.load(ordering: .relaxed), 0)
        XCTAssertEqual(engine.intake.dropped.load(ordering: .relaxed), 0)
        XCTAssertLessThanOrEqual(engine.intake.peakMessages.load(ordering: .relaxed), engine.intake.shareMessages)
        XCTAssertGreaterThan(engine.intake.pauses.load(ordering: .relaxed), 1)
    }

    func testAShareWakesItsOwnerExactlyOnceWhenDrainedToHalf() {
        let intake = JetStreamIntake()
        intake.maximumMessages.store(16, ordering: .relaxed)  // a share of 4
        let share = HandOffShare()
        for _ in 1...3 { share.take(bytes: 10) }
        XCTAssertFalse(share.pausesAfterHandOff(within: intake))
        share.take(bytes: 10)
        XCTAssertTrue(share.pausesAfterHandOff(within: intake), "full: the owner stops reading")
        XCTAssertFalse(share.releaseWakes(bytes: 10, within: intake), "3 left: above half")
        XCTAssertTrue(share.releaseWakes(bytes: 10, within: intake), "2 left: the wake")
        XCTAssertFalse(share.releaseWakes(bytes: 10, within: intake), "one wake per pause")
        XCTAssertFalse(share.releaseWakes(bytes: 10, within: intake))
        XCTAssertEqual(share.queuedMessages, 0)
    }
}
