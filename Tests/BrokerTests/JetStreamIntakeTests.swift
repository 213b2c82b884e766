@testable import Broker
import TestSupport
import XCTest

/// The hand-off from client loops to the JetStream thread is bounded in messages and bytes. One
/// connection is held to its share by back-pressure (`JetStreamBackPressureTests`); when several fill
/// the whole queue, publishes with a reply are refused at once with nats-server's 503 and the rest is
/// dropped and counted, while what was admitted is still stored once the JetStream thread catches up.
final class JetStreamIntakeTests: JetStreamBrokerTestCase {
    func testTheIntakeAdmitsUpToItsMessageAndByteBounds() {
        let intake = JetStreamIntake()
        intake.maximumMessages.store(2, ordering: .relaxed)
        intake.maximumBytes.store(100, ordering: .relaxed)
        XCTAssertTrue(intake.admit(bytes: 60))
        XCTAssertFalse(intake.admit(bytes: 60), "over the byte bound")
        XCTAssertTrue(intake.admit(bytes: 40))
        XCTAssertFalse(intake.admit(bytes: 0), "over the message bound")
        intake.release(bytes: 60)
        XCTAssertTrue(intake.admit(bytes: 50))
        XCTAssertEqual(intake.waiting, 2)
    }

    func testAFloodOfRefusalsIsLoggedOncePerIntervalWithTheCountItSkipped() {
        var notice = RateLimitedNotice(interval: 1_000)
        XCTAssertEqual(notice.record(now: 10_000), 0)
        XCTAssertNil(notice.record(now: 10_500))
        XCTAssertNil(notice.record(now: 10_999))
        XCTAssertEqual(notice.record(now: 11_000), 2)
        XCTAssertNil(notice.record(now: 11_001))
    }

    func testWhenConnectionsFillTheWholeQueueRequestsAreAnsweredWithServiceUnavailableAndTheRestDropped() throws {
        let client = try inboxClient("flood")
        makeStream(client, inbox: "_INBOX.flood.api", consumer: nil)
        let service = request(
            client, "$JS.API.STREAM.CREATE.SVC",
            #"{"name":"SVC","subjects":["svc.>"],"storage":"memory","no_ack":true}"#, reply: "_INBOX.flood.api")
        XCTAssertFalse(service.contains("error"), service)
        let engine = engine
        engine.intake.maximumMessages.store(3, ordering: .relaxed)  // a share of one message per connection
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        engine.loop.execute {
            entered.signal()
            gate.wait()
        }
        entered.wait()
        defer { engine.intake.maximumMessages.store(JetStreamIntake.defaultMaximumMessages, ordering: .relaxed) }

        // Three connections each fill their share, so together the whole queue; each stops reading.
        let fillers = try (1...3).map { try inboxClient("filler\($0)") }
        for (index, filler) in fillers.enumerated() {
            filler.send("PUB job.a _INBOX.filler\(index + 1).ack 1\r\nf\r\n")
        }
        XCTAssertTrue(eventually { engine.intake.waiting == 3 })
        for number in 4...5 { client.send("PUB job.a _INBOX.flood.ack.\(number) 1\r\n\(number)\r\n") }
        client.send("PUB job.a 1\r\nx\r\nPUB job.a 1\r\ny\r\n")
        // A no_ack stream's publishers expect their answer from someone else: no refusal for them.
        client.send("PUB svc.echo _INBOX.flood.service 1\r\nz\r\n")
        client.send("PUB $JS.API.STREAM.INFO.JOBS _INBOX.flood.info 0\r\n\r\n")
        client.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.none _INBOX.flood.pull 0\r\n\r\nPING\r\n")
        // The JetStream thread is still blocked: these answers came from the publisher's loop.
        let refusals = client.read(until: "PONG\r\n")
        for subject in ["_INBOX.flood.ack.4", "_INBOX.flood.ack.5", "_INBOX.flood.info"] {
            XCTAssertTrue(refusals.contains("MSG \(subject) "), refusals)
        }
        XCTAssertFalse(refusals.contains("_INBOX.flood.pull"), refusals)
        XCTAssertFalse(refusals.contains("_INBOX.flood.service"), refusals)
        XCTAssertTrue(refusals.contains(#""err_code":10008"#), refusals)
        XCTAssertTrue(refusals.contains("JetStream system temporarily unavailable"), refusals)
        XCTAssertEqual(engine.intake.refused.load(ordering: .relaxed), 3)
        XCTAssertEqual(
            engine.intake.dropped.load(ordering: .relaxed), 4, "two plain publishes, a no_ack publish and a pull")

        gate.signal()
        for filler in fillers { XCTAssertTrue(filler.read(until: "}\r\n").contains(#""stream":"JOBS""#)) }
        let info = request(client, "$JS.API.STREAM.INFO.JOBS", "", reply: "_INBOX.flood.info2")
        XCTAssertTrue(info.contains(#""messages":3"#), info)
        XCTAssertEqual(engine.intake.waiting, 0)
        XCTAssertLessThanOrEqual(engine.intake.peakMessages.load(ordering: .relaxed), 3)
    }
}
