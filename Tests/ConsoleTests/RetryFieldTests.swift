import Console
import Model
import XCTest

/// A retry is known by the event's typed `will_retry`, not by words in its message.
final class RetryFieldTests: XCTestCase {
    func testAFailureFlaggedWillRetryIsARetryWhateverItsMessageSays() {
        let retry = ConsoleFixtures.event("r-1", .failed, message: "exit 1", willRetry: true)
        XCTAssertTrue(JobHistory.isRetryAnnouncement(retry))
        var watch = JobWatch(jobID: "r-1")
        XCTAssertTrue(watch.apply(retry))
        XCTAssertFalse(watch.hasFinalEvent, "the job will run again")
    }

    func testAFailureWithoutTheFlagEndsTheJobEvenIfItsMessageMentionsRetrying() {
        let final = ConsoleFixtures.event("r-2", .failed, message: "gave up retrying: disk full")
        XCTAssertFalse(JobHistory.isRetryAnnouncement(final))
        var watch = JobWatch(jobID: "r-2")
        XCTAssertTrue(watch.apply(final))
        XCTAssertTrue(watch.hasFinalEvent)
    }

    func testAnOlderAgentsRetryToldOnlyInItsMessageDoesNotEndTheWatch() throws {
        let old =
            #"{"v":1,"job_id":"r-4","state":"failed","at":5,"attempt":1,"message":"attempt 1 of 3 failed, retrying: x"}"#
        let event = try MessageCoding.decode(JobEvent.self, from: Array(old.utf8))
        XCTAssertTrue(JobHistory.isRetryAnnouncement(event))
        var watch = JobWatch(jobID: "r-4")
        XCTAssertTrue(watch.apply(event))
        XCTAssertFalse(watch.hasFinalEvent, "the job will run again")
    }

    func testTheFlagTravelsAsWillRetryAndOldEventsWithoutItStillDecode() throws {
        let event = JobEvent(jobID: "r-3", nodeID: "n", state: .failed, at: 5, attempt: 1, willRetry: true)
        let json = String(decoding: try MessageCoding.encode(event), as: UTF8.self)
        XCTAssertTrue(json.contains("\"will_retry\":true"), json)
        let old = #"{"v":1,"job_id":"r-3","state":"failed","at":5,"attempt":1,"message":"x"}"#
        XCTAssertNil(try MessageCoding.decode(JobEvent.self, from: Array(old.utf8)).willRetry)
    }
}
