import Model
import XCTest

@testable import Master

/// How a job event names the job's state: a retry is told by the typed `will_retry`, and by the
/// message's words only for agents that did not send the field.
final class JobStateUpdateTests: XCTestCase {
    private func state(message: String?, willRetry: Bool?) -> String {
        JobStateUpdate(
            event: JobEvent(
                jobID: "job-1", nodeID: "node-1", state: .failed, at: 10, attempt: 1, message: message,
                willRetry: willRetry)
        ).state
    }

    func testAFailureWithWillRetryShowsAsRetryingWhateverItsMessageSays() {
        XCTAssertEqual(state(message: "ffmpeg exited 1", willRetry: true), "retrying")
        XCTAssertEqual(state(message: nil, willRetry: true), "retrying")
    }

    func testAFinalFailureWhoseErrorHappensToSayRetryingStaysFailed() {
        XCTAssertEqual(state(message: "input: connection reset, retrying did not help", willRetry: false), "failed")
    }

    func testAnOlderAgentsFailureWithoutTheFieldIsToldByItsMessage() {
        XCTAssertEqual(state(message: "attempt 1 of 3 failed, retrying: ffmpeg exited 1", willRetry: nil), "retrying")
        XCTAssertEqual(state(message: "attempt 3 of 3 failed: ffmpeg exited 1", willRetry: nil), "failed")
    }

    func testARetryingStepIsNotTheJobsEnd() {
        let update = JobStateUpdate(
            event: JobEvent(jobID: "job-1", state: .failed, at: 10, attempt: 1, willRetry: true))
        XCTAssertNil(update.finishedAt)
    }
}
