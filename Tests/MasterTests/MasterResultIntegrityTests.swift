import Model
import SQLite
import XCTest

@testable import Master

/// A job that succeeded is succeeded once, and a result counts only from the node its attempt
/// went to: the store's and the admission's rules.
final class MasterResultIntegrityTests: XCTestCase {
    private func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try MessageCoding.encode(value), as: UTF8.self)
    }

    private func started(_ jobID: String, attempt: Int, node: String, at: Int64) -> JobEvent {
        JobEvent(jobID: jobID, nodeID: node, state: .started, at: at, attempt: attempt)
    }

    func testASecondSucceededResultForAJobIsNotStoredAndTheJobCountsOnce() throws {
        let store = try MasterStore(path: ":memory:")
        let api = MasterAPI(store: store, fleet: FleetView(offlineAfterSeconds: 15))
        try store.record(started("job-1", attempt: 1, node: "node-1", at: 10), sequence: 1)
        let first = MasterFixtures.result("job-1", node: "node-1", attempt: 1, finishedAt: 20)
        XCTAssertEqual(try store.record(first, json: json(first)), .stored)
        // After a failover another agent runs the job again and succeeds too.
        try store.record(started("job-1", attempt: 2, node: "node-2", at: 30), sequence: 2)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "succeeded", "a job that succeeded stays succeeded")
        let second = MasterFixtures.result("job-1", node: "node-2", attempt: 2, finishedAt: 40)
        XCTAssertEqual(try store.record(second, json: json(second)), .duplicateSuccess(keptAttempt: 1))

        XCTAssertEqual(try store.results(MasterStore.ResultFilter()).count, 1)
        XCTAssertEqual(try store.summary().rows.first?.count, 1)
        XCTAssertEqual(try store.resultTotals().first { $0.status == "succeeded" }?.count, 1)
        let metrics = String(decoding: try XCTUnwrap(api.respond(path: "/metrics", query: [:])).body, as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"ffrtmp_results_stored{status="succeeded"} 1"#), metrics)
        let job = try XCTUnwrap(store.job("job-1"))
        XCTAssertEqual(job["state"].string, "succeeded")
        XCTAssertEqual(job["attempt"].int, 1)
        XCTAssertEqual(try store.events(ofJob: "job-1").map { $0["attempt"].int }, [1, 2], "both attempts in history")
    }

    func testAStoreThatAlreadyHoldsTwoSuccessesKeepsTheEarliestWhenOpened() throws {
        let path = "/tmp/ffrtmp-master-integrity-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).db"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        do {
            let store = try MasterStore(path: path)
            try store.database.query("DROP INDEX results_one_success")
            for attempt in [2, 1] {  // as an older master stored them: no check
                try store.database.query(
                    """
                    INSERT INTO results (job_id, attempt, node_id, status, finished_at, json)
                    VALUES ('job-1', ?, 'node-1', 'succeeded', 1, '{}')
                    """, attempt)
            }
            XCTAssertEqual(try store.results(MasterStore.ResultFilter()).count, 2, "the old store's state")
        }
        let reopened = try MasterStore(path: path)
        XCTAssertEqual(try reopened.results(ofJob: "job-1").count, 1)
        XCTAssertEqual(try reopened.database.query("SELECT attempt FROM results").first?[0].int, 1)
    }

    func testAResultIsAcceptedOnlyFromTheNodeThatStartedItsAttempt() {
        let result = MasterFixtures.result("job-1", node: "node-1", attempt: 2)
        XCTAssertEqual(
            ResultAdmission.decide(result, subject: "result.node-1", startedBy: "node-1"), .accept(verified: true))
        XCTAssertEqual(
            ResultAdmission.decide(result, subject: "result.node-1", startedBy: "node-9"),
            .refuse(MessageRefusal(kind: "result", reason: "not_assigned")))
        XCTAssertEqual(
            ResultAdmission.decide(result, subject: "result.attacker", startedBy: "node-1"),
            .refuse(MessageRefusal(kind: "result", reason: "node_mismatch")), "the payload names another node")
        XCTAssertEqual(
            ResultAdmission.decide(result, subject: "result.node-1", startedBy: nil), .accept(verified: false),
            "no started event seen yet: accepted provisionally")
        let rejected = MasterFixtures.result("job-2", node: "node-1", status: .rejected, joules: nil)
        XCTAssertEqual(
            ResultAdmission.decide(rejected, subject: "result.node-1", startedBy: nil), .accept(verified: true),
            "a rejected job never starts")
    }

    func testFiguresOutsidePhysicalSenseAreRefused() {
        func reason(_ change: (inout JobResult) -> Void) -> String? {
            var result = MasterFixtures.result("job-1")
            change(&result)
            guard case .refuse(let refusal) = ResultAdmission.decide(result, subject: "result.node-1", startedBy: nil)
            else { return nil }
            return refusal.reason
        }
        XCTAssertNil(reason { _ in })
        XCTAssertEqual(reason { $0.energy?.totalJoules = -5 }, "bad_energy")
        XCTAssertEqual(reason { $0.energy?.totalJoules = .nan }, "bad_energy")
        XCTAssertEqual(reason { $0.energy?.totalJoules = .infinity }, "bad_energy")
        XCTAssertEqual(reason { $0.energy?.totalJoules = 1e12 }, "bad_energy", "10 kW for a second is 10 kJ")
        XCTAssertEqual(reason { $0.energy?.averageWatts = 20_000 }, "bad_power")
        XCTAssertEqual(reason { $0.ffmpeg?.averageFPS = 200_000 }, "bad_fps")
        XCTAssertEqual(reason { $0.ffmpeg?.frames = -1 }, "bad_frames")
        XCTAssertEqual(reason { $0.timings.wallSeconds = -1 }, "bad_time")
        XCTAssertEqual(reason { $0.attempt = 0 }, "bad_attempt")
        XCTAssertEqual(reason { $0.quality = JobResult.QualityScores(ssim: 3) }, "bad_quality")

        var sample = MasterFixtures.telemetry("node-1")
        XCTAssertNil(sample.implausibleField)
        sample.power = [TelemetrySample.PowerReading(domain: "cpu", watts: 12_000, source: .rapl)]
        XCTAssertEqual(sample.implausibleField, "power")
        sample = MasterFixtures.telemetry("node-1")
        sample.jobs[0].outputSeconds = -0.02
        XCTAssertNil(sample.implausibleField, "ffmpeg's out_time before the first frame")
        sample.jobs[0].fps = -3
        XCTAssertEqual(sample.implausibleField, "fps")
        var heartbeat = MasterFixtures.heartbeat("node-1")
        heartbeat.slotsBusy = -1
        XCTAssertEqual(heartbeat.implausibleField, "slots")
    }

    func testAnUnverifiedResultIsRevokedWhenTheAttemptsStartedEventNamesAnotherNode() throws {
        let store = try MasterStore(path: ":memory:")
        let forged = MasterFixtures.result("job-1", node: "attacker", attempt: 1, finishedAt: 20)
        try store.record(forged, json: json(forged), verified: false)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "succeeded")
        XCTAssertEqual(
            try store.record(started("job-1", attempt: 1, node: "node-1", at: 10), sequence: 1),
            .revokedResult(node: "attacker"))
        XCTAssertEqual(try store.results(ofJob: "job-1").count, 0)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "started")
        XCTAssertEqual(try store.job("job-1")?["node_id"].string, "node-1")
        let real = MasterFixtures.result("job-1", node: "node-1", attempt: 1, finishedAt: 30)
        XCTAssertEqual(try store.record(real, json: json(real)), .stored)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "succeeded")
    }

    func testAVerifiedSuccessReplacesAnUnverifiedSuccessOfAnotherAttempt() throws {
        let store = try MasterStore(path: ":memory:")
        let forged = MasterFixtures.result("job-1", node: "attacker", attempt: 7, finishedAt: 20)
        try store.record(forged, json: json(forged), verified: false)
        try store.record(started("job-1", attempt: 1, node: "node-1", at: 10), sequence: 1)
        let real = MasterFixtures.result("job-1", node: "node-1", attempt: 1, finishedAt: 30)
        XCTAssertEqual(try store.record(real, json: json(real), verified: true), .replacedUnverified(attempt: 7))
        XCTAssertEqual(try store.results(MasterStore.ResultFilter()).count, 1)
        XCTAssertEqual(try store.job("job-1")?["node_id"].string, "node-1")
        XCTAssertEqual(try store.job("job-1")?["attempt"].int, 1)
    }
}
