import Foundation
import Model
import SQLite
import XCTest

@testable import Master

/// Summaries compare like with like: one row per configuration × hardware, never folded.
final class CampaignSummaryTests: XCTestCase {
    private func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try MessageCoding.encode(value), as: UTF8.self)
    }

    /// A job of `scenario` at `height`p, queued (with its run) and then succeeded on `node`.
    private func run(
        _ store: MasterStore, _ id: String, height: Int, run: String? = "camp", node: String = "node-1",
        joules: Double = 12, sequence: UInt64
    ) throws {
        var job = Job(id: id, scenario: "1080p30-h265", runID: run)
        job.resolution = Resolution(width: height * 16 / 9, height: height)
        let queued = QueuedJobEvent(job: job, at: 1)
        try store.record(JobEvent(jobID: id, state: .queued, at: 1), sequence: sequence, queued: queued)
        var result = MasterFixtures.result(id, node: node, joules: joules, scenario: "1080p30-h265")
        result.encoder = .libx265
        try store.record(result, json: json(result))
    }

    func testTwoResolutionsOfOneScenarioAreTwoRowsAndRepeatsShareOne() throws {
        let store = try MasterStore(path: ":memory:")
        for (index, joules) in [10.0, 12.0, 14.0].enumerated() {
            try run(store, "small-\(index)", height: 240, joules: joules, sequence: UInt64(index + 1))
            try run(store, "large-\(index)", height: 360, joules: joules * 2, sequence: UInt64(index + 10))
        }
        let rows = try store.summary().rows
        XCTAssertEqual(rows.count, 2, "240p and 360p runs are not averaged together")
        XCTAssertEqual(rows.map(\.count), [3, 3])
        let small = try XCTUnwrap(rows.first { $0.configurationKey.contains("size=426x240") })
        let perFrame = try XCTUnwrap(small.joulesPerFrame)
        XCTAssertEqual(perFrame.mean, 12.0 / 60, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(perFrame.standardDeviation), 2.0 / 60, accuracy: 1e-9)
        XCTAssertNotNil(perFrame.halfWidth)
    }

    func testTheSameConfigurationOnTwoNodesIsTwoRows() throws {
        let store = try MasterStore(path: ":memory:")
        try run(store, "a", height: 240, node: "node-1", sequence: 1)
        try run(store, "b", height: 240, node: "node-2", sequence: 2)
        let rows = try store.summary().rows
        XCTAssertEqual(rows.map(\.hardware.nodeID), ["node-1", "node-2"])
        XCTAssertEqual(Set(rows.map(\.configurationKey)).count, 1)
    }

    func testTheHardwareKeyCarriesTheCPUModelOfTheNodesHeartbeat() throws {
        let store = try MasterStore(path: ":memory:")
        let heartbeat = MasterFixtures.heartbeat("node-1")
        try store.record(FleetBatch(nodes: [(heartbeat, json(heartbeat), 1)]))
        try run(store, "a", height: 240, sequence: 1)
        XCTAssertEqual(try store.summary().rows.first?.hardware.key, "node=node-1 cpu=test CPU gpu=-")
    }

    func testFiltersNarrowTheSummaryToARun() throws {
        let store = try MasterStore(path: ":memory:")
        try run(store, "a", height: 240, run: "first", sequence: 1)
        try run(store, "b", height: 360, run: "second", sequence: 2)
        try run(store, "c", height: 360, run: nil, sequence: 3)
        XCTAssertEqual(try store.summary(MasterStore.SummaryFilter(run: "first")).rows.count, 1)
        XCTAssertEqual(try store.summary(MasterStore.SummaryFilter(run: "second")).rows.first?.count, 1)
        XCTAssertEqual(try store.summary().rows.count, 2)
        XCTAssertEqual(try store.summary(MasterStore.SummaryFilter(node: "node-9")).rows.count, 0)
        let runs = try store.runs()
        XCTAssertEqual(Set(runs.compactMap { $0["run_id"].string }), ["first", "second"])
        XCTAssertEqual(try store.runs("first").first?["succeeded"].int, 1)
        XCTAssertEqual(try store.runs("first").first?["pending"].int, 0)
    }

    func testAQueuedEventArrivingAfterTheResultStillGivesItsConfiguration() throws {
        let store = try MasterStore(path: ":memory:")
        var result = MasterFixtures.result("late", scenario: "1080p30-h265")
        result.encoder = .libx265
        try store.record(result, json: json(result))
        var job = Job(id: "late", scenario: "1080p30-h265", runID: "camp")
        job.resolution = Resolution(width: 426, height: 240)
        try store.record(
            JobEvent(jobID: "late", state: .queued, at: 1), sequence: 1, queued: QueuedJobEvent(job: job, at: 1))
        let row = try XCTUnwrap(store.summary(MasterStore.SummaryFilter(run: "camp")).rows.first)
        XCTAssertTrue(row.configurationKey.contains("size=426x240"), row.configurationKey)
    }

    func testARunIdThatIsNotAnIdentifierOrAJobOfAnotherIdIsNotKept() throws {
        let store = try MasterStore(path: ":memory:")
        var queued = QueuedJobEvent(job: Job(id: "a", scenario: "720p30-h264"), at: 1)
        queued.runID = "<b>no</b>"
        try store.record(JobEvent(jobID: "a", state: .queued, at: 1), sequence: 1, queued: queued)
        XCTAssertEqual(try store.runs().count, 0)
        var other = QueuedJobEvent(job: Job(id: "other", scenario: "720p30-h264", runID: "camp"), at: 1)
        other.jobID = "b"
        try store.record(JobEvent(jobID: "b", state: .queued, at: 1), sequence: 2, queued: other)
        XCTAssertEqual(try store.runs().first?["jobs"].int, 1, "the event's run is kept")
        let result = MasterFixtures.result("b")
        try store.record(result, json: json(result))
        let key = try XCTUnwrap(store.summary().rows.first?.configurationKey)
        XCTAssertTrue(key.contains("scenario=720p30-h264") && key.contains("preset=-"), "from the result: \(key)")
    }

    func testAStoreFromBeforeCampaignsGetsItsColumnsAndKeys() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "v1-\(UInt64.random(in: 1...UInt64.max)).db"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let database = try Database(path: path)
            try database.execute(MasterSchema.statements)
            let result = MasterFixtures.result("old")
            try database.query(
                """
                INSERT INTO results (job_id, attempt, node_id, status, finished_at, scenario, encoder, resolution,
                    frames, fps, wall_s, cpu_s, energy_j, j_per_frame, energy_source, psnr, ssim, usd, co2_g, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values: ResultColumns(result).values + [try json(result)])
        }
        let store = try MasterStore(path: path)
        let row = try XCTUnwrap(store.summary().rows.first)
        XCTAssertTrue(row.configurationKey.hasPrefix("encoder=libx264 "), row.configurationKey)
        XCTAssertEqual(row.count, 1)
    }

    func testARunsJobFinishedByItsEventShowsItsResultStoredOnlyOnceTheResultIs() throws {
        let store = try MasterStore(path: ":memory:")
        let queued = QueuedJobEvent(job: Job(id: "e1", scenario: "720p30-h264", runID: "camp"), at: 1)
        try store.record(JobEvent(jobID: "e1", state: .queued, at: 1), sequence: 1, queued: queued)
        try store.record(JobEvent(jobID: "e1", nodeID: "node-1", state: .succeeded, at: 5, attempt: 1), sequence: 2)
        let before = try XCTUnwrap(store.jobs(ofRun: "camp").first)
        XCTAssertEqual(before["state"].string, "succeeded", "the event alone finishes the job")
        XCTAssertEqual(before["result_stored"].int, 0)
        let result = MasterFixtures.result("e1")
        try store.record(result, json: json(result))
        XCTAssertEqual(try store.jobs(ofRun: "camp").first?["result_stored"].int, 1)
    }

    func testTheAPIServesRunsTheirSummaryAndAReport() throws {
        let store = try MasterStore(path: ":memory:")
        for index in 0..<2 {
            try run(store, "j\(index)", height: 240, joules: 10 + Double(index), sequence: UInt64(index + 1))
        }
        let api = MasterAPI(store: store, fleet: FleetView(offlineAfterSeconds: 15))
        let runs = String(decoding: try XCTUnwrap(api.respond(path: "/api/runs", query: [:])).body, as: UTF8.self)
        XCTAssertTrue(runs.contains(#""run_id":"camp""#), runs)
        let run = String(decoding: try XCTUnwrap(api.respond(path: "/api/runs/camp", query: [:])).body, as: UTF8.self)
        XCTAssertTrue(run.contains(#""ci95":"#), run)
        let detail = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(run.utf8)) as? [String: Any], "valid JSON, no repeated key")
        XCTAssertEqual((detail["run"] as? [String: Any])?["jobs"] as? Int, 2)
        XCTAssertEqual((detail["jobs"] as? [Any])?.count, 2)
        let summary = try XCTUnwrap(api.respond(path: "/api/summary", query: ["run": "nope"]))
        XCTAssertEqual(String(decoding: summary.body, as: UTF8.self), #"{"summary":[]}"#)
        let report = try XCTUnwrap(api.respond(path: "/api/runs/camp/report", query: [:]))
        XCTAssertEqual(report.contentType, "text/html; charset=utf-8")
        let page = String(decoding: report.body, as: UTF8.self)
        XCTAssertTrue(page.contains("<svg") && page.contains("<table>"), page)
        XCTAssertFalse(page.contains("http://") || page.contains("https://"), "no external asset")
        XCTAssertEqual(api.respond(path: "/api/runs/other", query: [:])?.status, 404)
        XCTAssertEqual(api.respond(path: "/api/runs/a.b/report", query: [:])?.status, 404)
    }
}
