import Model
import XCTest

/// The submitter's `queued` event: a `JobEvent` to every reader, plus the job and its run.
final class QueuedJobEventTests: XCTestCase {
    func testAQueuedEventCarriesTheJobAndItsRunAndStillReadsAsAJobEvent() throws {
        var job = Job(id: "camp-1", scenario: "720p30-h264", runID: "camp")
        job.crf = 30
        let bytes = try MessageCoding.encode(QueuedJobEvent(job: job, at: 42))
        let event = try MessageCoding.decode(JobEvent.self, from: bytes)
        XCTAssertEqual(event, JobEvent(jobID: "camp-1", state: .queued, at: 42))
        let queued = try MessageCoding.decode(QueuedJobEvent.self, from: bytes)
        XCTAssertEqual(queued.runID, "camp")
        XCTAssertEqual(queued.job, job)
    }

    func testAJobThatDoesNotDecodeLeavesTheEventAndItsRun() throws {
        let text = #"{"v":1,"job_id":"j","state":"queued","at":1,"run_id":"r","job":{"v":1,"id":"j","bitrat":5}}"#
        let queued = try MessageCoding.decode(QueuedJobEvent.self, from: Array(text.utf8))
        XCTAssertEqual(queued.runID, "r")
        XCTAssertNil(queued.job)
    }

    func testAPlainQueuedEventHasNeitherJobNorRun() throws {
        let bytes = try MessageCoding.encode(JobEvent(jobID: "j", state: .queued, at: 1))
        let queued = try MessageCoding.decode(QueuedJobEvent.self, from: bytes)
        XCTAssertNil(queued.job)
        XCTAssertNil(queued.runID)
    }
}
