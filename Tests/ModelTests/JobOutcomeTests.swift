import Model
import XCTest

/// One vocabulary for how a job ends: a result's status maps to one job state, a retry is told by
/// the typed `will_retry` (the text only for events of agents from before it), subjects come from `Subjects`.
final class JobOutcomeTests: XCTestCase {
    func testEachResultStatusEndsTheJobInTheStateOfTheSameName() {
        for status in JobResult.Status.allCases {
            let state = JobState(status)
            XCTAssertEqual(state.rawValue, status.rawValue)
            XCTAssertTrue(JobState.finalStates.contains(state), status.rawValue)
        }
        XCTAssertEqual(Set(JobState.finalStates), Set(JobResult.Status.allCases.map(JobState.init)))
    }

    func testTheTypedFieldDecidesARetryWhateverTheMessageSays() throws {
        let flagged = #"{"v":1,"job_id":"j","state":"failed","at":5,"message":"exit 1","will_retry":true}"#
        XCTAssertTrue(try decode(flagged).isRetryAnnouncement)
        let refused = #"{"v":1,"job_id":"j","state":"failed","at":5,"message":"x, retrying: y","will_retry":false}"#
        XCTAssertFalse(try decode(refused).isRetryAnnouncement, "the field wins over the text")
    }

    func testAnOlderAgentsTextOnlyRetryIsStillUnderstood() throws {
        let old =
            #"{"v":1,"job_id":"j","state":"failed","at":5,"attempt":1,"message":"attempt 1 of 3 failed, retrying: x"}"#
        let event = try decode(old)
        XCTAssertNil(event.willRetry)
        XCTAssertTrue(event.isRetryAnnouncement)
        let final = #"{"v":1,"job_id":"j","state":"failed","at":5,"attempt":3,"message":"gave up retrying: disk full"}"#
        XCTAssertFalse(try decode(final).isRetryAnnouncement)
    }

    func testOnlyAFailedEventAnnouncesARetry() {
        for state in JobState.allCases where state != .failed {
            let event = JobEvent(jobID: "j", state: state, at: 1, message: "x, retrying", willRetry: true)
            XCTAssertFalse(event.isRetryAnnouncement, state.rawValue)
        }
    }

    func testWildcardSubjectsCoverWhatTheBuildersMake() {
        XCTAssertEqual(Subjects.events(jobID: "j1"), "evt.job.j1.>")
        XCTAssertEqual(Subjects.allEvents, "evt.job.>")
        XCTAssertEqual(Subjects.allResults, "result.>")
        XCTAssertEqual(Subjects.allHeartbeats, "hb.>")
        XCTAssertEqual(Subjects.allMetrics, "metrics.>")
        XCTAssertEqual(Subjects.allJobs, "job.>")
        XCTAssertEqual(Subjects.eventsStreamFilter, "evt.>")
        XCTAssertEqual(Subjects.allControl, "ctl.>")
        XCTAssertTrue(Subjects.event(jobID: "j1", state: .started).hasPrefix(Subjects.eventPrefix))
        XCTAssertTrue(Subjects.result(nodeID: "n").hasPrefix(Subjects.resultPrefix))
        XCTAssertTrue(Subjects.heartbeat(nodeID: "n").hasPrefix(Subjects.heartbeatPrefix))
        XCTAssertTrue(Subjects.metrics(nodeID: "n").hasPrefix(Subjects.metricsPrefix))
    }

    private func decode(_ json: String) throws -> JobEvent {
        try MessageCoding.decode(JobEvent.self, from: Array(json.utf8))
    }
}
