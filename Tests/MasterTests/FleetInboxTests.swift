import Client
import Net
import Support
import XCTest

@testable import Master

/// The inbox between the NATS reader and the decoders: one message waits per subject (a newer
/// one replaces it and is counted), a full inbox drops new subjects and counts them, heartbeats
/// are taken before telemetry, and closing hands a waiting decoder the rest.
final class FleetInboxTests: XCTestCase {
    private func message(_ subject: String, _ text: String) -> Message {
        Message(subject: subject, payload: Array(text.utf8))
    }

    func testANewerMessageOfTheSameSubjectReplacesTheWaitingOneAndIsCountedAsCoalesced() {
        let inbox = FleetInbox(shards: 1, capacity: 100)
        inbox.put(message("metrics.a", "1"), kind: .telemetry)
        inbox.put(message("metrics.a", "2"), kind: .telemetry)
        inbox.put(message("metrics.b", "3"), kind: .telemetry)
        inbox.put(message("hb.a", "4"), kind: .heartbeat)
        inbox.put(message("hb.a", "5"), kind: .heartbeat)
        XCTAssertEqual(inbox.waiting, 3)
        let batch = inbox.shards[0].take(waitingUpTo: 0)
        XCTAssertEqual(batch.telemetry.map(\.string).sorted(), ["2", "3"])
        XCTAssertEqual(batch.heartbeats.map(\.string), ["5"])
        let counted = FleetInbox.Tally(heartbeats: 2, telemetry: 3, coalescedHeartbeats: 1, coalescedTelemetry: 1)
        XCTAssertEqual(inbox.tally, counted)
        XCTAssertEqual(inbox.waiting, 0)
        XCTAssertTrue(inbox.shards[0].take(waitingUpTo: 0).isEmpty)
        XCTAssertEqual(inbox.tally, counted, "counts since start")
    }

    func testAFullInboxDropsNewSubjectsAndCountsThemButStillTakesNewerMessagesOfWaitingOnes() {
        let inbox = FleetInbox(shards: 1, capacity: 2)
        inbox.put(message("metrics.a", "1"), kind: .telemetry)
        inbox.put(message("hb.a", "2"), kind: .heartbeat)
        inbox.put(message("metrics.forged-1", "3"), kind: .telemetry)
        inbox.put(message("hb.forged-2", "4"), kind: .heartbeat)
        inbox.put(message("metrics.a", "5"), kind: .telemetry)
        let batch = inbox.shards[0].take(waitingUpTo: 0)
        XCTAssertEqual(batch.telemetry.map(\.string), ["5"])
        XCTAssertEqual(batch.heartbeats.map(\.string), ["2"])
        XCTAssertEqual(inbox.tally.overflowed, 2)
        XCTAssertEqual(inbox.tally.telemetry, 3)
        XCTAssertEqual(inbox.tally.coalescedTelemetry, 1)
    }

    func testEachSubjectGoesToOneShardAndEveryShardIsTaken() {
        let inbox = FleetInbox(shards: 2, capacity: 1000)
        for index in 0..<100 { inbox.put(message("metrics.node-\(index)", "\(index)"), kind: .telemetry) }
        for index in 0..<100 { inbox.put(message("metrics.node-\(index)", "new \(index)"), kind: .telemetry) }
        let batches = inbox.shards.map { $0.take(waitingUpTo: 0) }
        XCTAssertEqual(batches.reduce(0) { $0 + $1.telemetry.count }, 100)
        XCTAssertEqual(inbox.tally.coalescedTelemetry, 100)
        XCTAssertEqual(inbox.shards.map(\.tally.telemetry).reduce(0, +), 200)
        XCTAssertTrue(batches.allSatisfy { $0.telemetry.allSatisfy { $0.string.hasPrefix("new ") } })
    }

    func testClosingWakesAWaitingDecoderWhichGetsTheRestAndSeesItClosed() {
        let inbox = FleetInbox(shards: 1, capacity: 10)
        let started = Clock.monotonicNanoseconds()
        let closer = SystemThread.start(name: "closer") {
            Clock.sleep(seconds: 0.05)
            inbox.close()
        }
        let batch = inbox.shards[0].take(waitingUpTo: 30)
        SystemThread.join(closer)
        XCTAssertTrue(batch.closed)
        XCTAssertLessThan(Clock.monotonicNanoseconds() - started, 10_000_000_000)
        inbox.put(message("hb.late", "1"), kind: .heartbeat)
        let last = inbox.shards[0].take(waitingUpTo: 30)
        XCTAssertTrue(last.closed)
        XCTAssertEqual(last.heartbeats.map(\.string), ["1"])
    }
}
