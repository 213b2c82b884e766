import Model
import SQLite
import XCTest

@testable import Master

/// The store: idempotent writes, job states that never go backwards, summaries and retention.
final class MasterStoreTests: XCTestCase {
    private func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try MessageCoding.encode(value), as: UTF8.self)
    }

    func testAResultDeliveredTwiceIsStoredOnce() throws {
        let store = try MasterStore(path: ":memory:")
        let result = MasterFixtures.result("job-1")
        try store.record(result, json: json(result))
        try store.record(result, json: json(result))
        XCTAssertEqual(try store.results(MasterStore.ResultFilter()).count, 1)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "succeeded")
    }

    func testEventsMoveAJobForwardAndALateEventDoesNotUndoAResult() throws {
        let store = try MasterStore(path: ":memory:")
        try store.record(MasterFixtures.event("job-1", .queued, attempt: nil, at: 10), sequence: 1)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "queued")
        try store.record(MasterFixtures.event("job-1", .started, at: 20), sequence: 2)
        let result = MasterFixtures.result("job-1", finishedAt: 40)
        try store.record(result, json: json(result))
        try store.record(MasterFixtures.event("job-1", .progress, at: 30), sequence: 3)  // arrives late
        let job = try XCTUnwrap(store.job("job-1"))
        XCTAssertEqual(job["state"].string, "succeeded")
        XCTAssertEqual(job["queued_at"].int64, 10)
        XCTAssertEqual(job["progress"].double, 1)
        XCTAssertEqual(try store.events(ofJob: "job-1").map { $0["state"].string }, ["queued", "started", "progress"])
    }

    func testARetriedJobShowsRetryingThenTheLaterAttemptWins() throws {
        let store = try MasterStore(path: ":memory:")
        try store.record(MasterFixtures.event("job-1", .started, attempt: 1, at: 10), sequence: 1)
        try store.record(
            MasterFixtures.event(
                "job-1", .failed, attempt: 1, at: 20, message: "attempt 1 of 3 failed, retrying: ffmpeg exited 1"),
            sequence: 2)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "retrying")
        try store.record(MasterFixtures.event("job-1", .started, attempt: 2, at: 30), sequence: 3)
        XCTAssertEqual(try store.job("job-1")?["state"].string, "started")
        XCTAssertEqual(try store.job("job-1")?["attempt"].int, 2)
        // The same event stored again (redelivery) changes nothing.
        try store.record(MasterFixtures.event("job-1", .started, attempt: 2, at: 30), sequence: 3)
        XCTAssertEqual(try store.events(ofJob: "job-1").count, 3)
    }

    func testTheSummaryGroupsSucceededRunsOfOneConfigurationOnOneNode() throws {
        let store = try MasterStore(path: ":memory:")
        for (index, joules) in [10.0, 20.0].enumerated() {
            let result = MasterFixtures.result("job-\(index)", joules: joules)
            try store.record(result, json: json(result))
        }
        let failed = MasterFixtures.result("job-9", status: .failed, joules: nil)
        try store.record(failed, json: json(failed))
        let rows = try store.summary().rows
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].count, 2)
        XCTAssertEqual(try XCTUnwrap(rows[0].energyJoules?.mean), 15, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(rows[0].joulesPerFrame?.mean), 15.0 / 60, accuracy: 1e-9)
        XCTAssertEqual(rows[0].energySources, "estimated")
    }

    func testRetentionDeletesOnlyWhatIsOld() throws {
        let store = try MasterStore(path: ":memory:")
        let old = MasterFixtures.result("old", finishedAt: 1_000)
        let recent = MasterFixtures.result("recent", finishedAt: 9_000)
        try store.record(old, json: json(old))
        try store.record(recent, json: json(recent))
        try store.prune(now: 10_000, results: 5_000, telemetry: 5_000)
        XCTAssertEqual(try store.results(MasterStore.ResultFilter()).count, 1)
        XCTAssertNil(try store.job("old"))
        XCTAssertNotNil(try store.job("recent"))
    }

    func testFiltersAreParametersNotSQL() throws {
        let store = try MasterStore(path: ":memory:")
        let result = MasterFixtures.result("job-1")
        try store.record(result, json: json(result))
        var filter = MasterStore.ResultFilter()
        filter.scenario = "x' OR '1'='1"
        XCTAssertEqual(try store.results(filter).count, 0)
        filter.scenario = "720p30-h264"
        XCTAssertEqual(try store.results(filter).count, 1)
    }
}
