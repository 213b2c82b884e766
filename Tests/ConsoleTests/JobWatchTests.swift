import Console
import Model
import XCTest

/// One job's live view: events, telemetry and the result fold into a progress line and JSON.
final class JobWatchTests: XCTestCase {
    func testTheLineFollowsTheJobFromQueuedToProgress() {
        var watch = JobWatch(jobID: "job-9")
        XCTAssertEqual(watch.progressLine(), "job-9: waiting for the job (no event yet)")
        XCTAssertTrue(watch.apply(ConsoleFixtures.event("job-9", .queued)))
        XCTAssertEqual(watch.progressLine(), "job-9: queued, waiting for an agent")
        XCTAssertFalse(watch.apply(ConsoleFixtures.event("job-8", .started)), "another job's event")
        XCTAssertTrue(watch.apply(ConsoleFixtures.event("job-9", .started)))
        XCTAssertEqual(watch.progressLine(), "job-9: started  node-1")
        XCTAssertTrue(watch.apply(ConsoleFixtures.telemetry("node-1")))
        // 2.5 s written is 25 %: 7.5 s left at 2x is 3.75 s.
        XCTAssertEqual(watch.etaSeconds, 3.75)
        XCTAssertEqual(
            watch.progressLine(), "[#####---------------]   25%  frame 150  61.3 fps  2.00x  110 W  ETA 0:04  node-1")
        XCTAssertEqual(watch.progressLine(width: 20), "[#####--------------")
        XCTAssertEqual(
            watch.json,
            #"{"type":"progress","job_id":"job-9","state":"started","node_id":"node-1","attempt":1,"progress":0.25,"#
                + #""frame":150,"fps":61.25,"speed":2,"out_time_s":2.5,"node_w":110,"eta_s":3.8}"#)
        XCTAssertFalse(watch.apply(ConsoleFixtures.telemetry("node-2", job: "job-8")), "telemetry without this job")
    }

    func testAResultEndsTheWatchAndLaterMessagesAreIgnored() {
        var watch = JobWatch(jobID: "job-1")
        _ = watch.apply(ConsoleFixtures.event("job-1", .started))
        XCTAssertFalse(watch.apply(ConsoleFixtures.result("job-2")))
        XCTAssertTrue(watch.apply(ConsoleFixtures.result("job-1", status: .failed)))
        XCTAssertTrue(watch.isFinished)
        XCTAssertEqual(watch.state, .failed)
        XCTAssertEqual(watch.message, "ffmpeg exited with status 1")
        XCTAssertFalse(watch.apply(ConsoleFixtures.event("job-1", .progress, progress: 0.5)))
        XCTAssertFalse(watch.apply(ConsoleFixtures.telemetry("node-1", job: "job-1")))
    }

    func testARetryIsNotTheEndButAFinalEventIs() {
        var watch = JobWatch(jobID: "job-1")
        _ = watch.apply(
            ConsoleFixtures.event("job-1", .failed, message: "attempt 1 of 3 failed, retrying: exit 1", willRetry: true)
        )
        XCTAssertFalse(watch.hasFinalEvent)
        XCTAssertTrue(watch.apply(ConsoleFixtures.event("job-1", .started, attempt: 2)))
        XCTAssertEqual(watch.attempt, 2)
        XCTAssertTrue(watch.apply(ConsoleFixtures.event("job-1", .succeeded, attempt: 2)))
        XCTAssertTrue(watch.hasFinalEvent)
        XCTAssertFalse(watch.apply(ConsoleFixtures.event("job-1", .progress, attempt: 2)), "nothing after the end")
        XCTAssertFalse(watch.isFinished, "the result has not come yet")
    }

    func testWithoutSpeedOrProgressThereIsNoETA() {
        var watch = JobWatch(jobID: "job-9")
        _ = watch.apply(ConsoleFixtures.telemetry("node-1", progress: nil, speed: nil))
        XCTAssertNil(watch.etaSeconds)
        XCTAssertEqual(watch.progressLine(), "job-9: started  frame 150  61.3 fps  110 W  node-1")
    }
}
