import Console
import Model
import XCTest

/// `submit --wait` bookkeeping: only tracked jobs count, and the wait ends when each has a result.
final class JobTrackerTests: XCTestCase {
    private func bytes<Message: Encodable>(_ message: Message) throws -> [UInt8] { try MessageCoding.encode(message) }

    func testTrackedJobsEndWithTheirResults() throws {
        var tracker = JobTracker(jobIDs: ["a", "b"])
        XCTAssertNil(
            tracker.receive(subject: "evt.job.a.queued", payload: try bytes(ConsoleFixtures.event("a", .queued))))
        XCTAssertNil(tracker.receive(subject: "result.node-1", payload: try bytes(ConsoleFixtures.result("other"))))
        XCTAssertNil(tracker.receive(subject: "result.node-1", payload: Array("not json".utf8)))
        let started = tracker.receive(
            subject: "evt.job.a.started", payload: try bytes(ConsoleFixtures.event("a", .started)))
        XCTAssertEqual(started.flatMap(JobTracker.line), "a  started on node-1 (attempt 1)")
        let result = ConsoleFixtures.result("a")
        let update = try XCTUnwrap(tracker.receive(subject: "result.node-1", payload: try bytes(result)))
        XCTAssertEqual(JobTracker.line(update), "a  succeeded on node-1: 300 frames, 60.0 fps, 700 J")
        XCTAssertEqual(tracker.pendingIDs, ["b"])
        XCTAssertFalse(tracker.isComplete)
        _ = tracker.receive(subject: "result.node-2", payload: try bytes(ConsoleFixtures.result("b", status: .timeout)))
        XCTAssertTrue(tracker.isComplete)
        XCTAssertFalse(tracker.allSucceeded)
        XCTAssertEqual(tracker.orderedResults.map(\.jobID), ["a", "b"])
    }

    func testAJobThatEndedBeforeTrackingCountsWithItsFinalEvent() {
        var tracker = JobTracker(jobIDs: ["a"])
        tracker.noteEnded(ConsoleFixtures.event("a", .succeeded))
        tracker.noteEnded(ConsoleFixtures.event("zzz", .failed))
        XCTAssertTrue(tracker.isComplete)
        XCTAssertTrue(tracker.allSucceeded)
        XCTAssertEqual(Array(tracker.endedWithoutResult.keys), ["a"])
    }

    func testAFinalEventEndsAJobWithoutAResultButARetryAnnouncementDoesNot() {
        var tracker = JobTracker(jobIDs: ["a"])
        tracker.noteEnded(ConsoleFixtures.event("a", .failed, message: "retrying", willRetry: true))
        XCTAssertFalse(tracker.isComplete)
        tracker.noteEnded(ConsoleFixtures.event("a", .failed, attempt: 2, message: "exit 1"))
        XCTAssertTrue(tracker.isComplete)
        XCTAssertFalse(tracker.allSucceeded)
        XCTAssertEqual(tracker.endedWithoutResult["a"]?.attempt, 2)
    }

    func testLinesForProgressAndRetriesAndNoneForFinalEvents() {
        XCTAssertEqual(
            JobTracker.line(.event(ConsoleFixtures.event("a", .progress, progress: 0.456))), "a  46% on node-1")
        XCTAssertEqual(
            JobTracker.line(
                .event(
                    ConsoleFixtures.event("a", .failed, message: "attempt 1 of 3 failed, retrying: x", willRetry: true))
            ),
            "a  failed on node-1: attempt 1 of 3 failed, retrying: x")
        XCTAssertNil(JobTracker.line(.event(ConsoleFixtures.event("a", .succeeded))))
        XCTAssertEqual(
            JobTracker.line(.result(ConsoleFixtures.result("a", status: .failed))),
            "a  failed on node-1: ffmpeg exited with status 1")
    }

    func testJSONCarriesTheMessageAsReceivedOnOneLine() {
        let payload = Array("{\"job_id\":\"a\",\n \"extra\":1}".utf8)
        XCTAssertEqual(
            JobTracker.json(.event(ConsoleFixtures.event("a", .started)), payload: payload),
            #"{"type":"event","event":{"job_id":"a",  "extra":1}}"#)
    }
}
