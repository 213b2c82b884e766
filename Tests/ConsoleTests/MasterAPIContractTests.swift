import Console
import Model
import Support
import XCTest

@testable import Master

/// The CLI reads what the master's API writes: answers made by the real `MasterAPI` decode into
/// `MasterRows` and render as tables.
final class MasterAPIContractTests: XCTestCase {
    private var api: MasterAPI!
    private let now: Int64 = 100_000_000_000

    override func setUpWithError() throws {
        let store = try MasterStore(path: ":memory:")
        let fleet = FleetView(offlineAfterSeconds: 15)
        api = MasterAPI(store: store, fleet: fleet)
        for (index, status) in [JobResult.Status.succeeded, .failed].enumerated() {
            let result = ConsoleFixtures.result(
                "job-\(index)", status: status, finishedAt: Int64(index + 1) * 1_000_000_000)
            try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
        }
        try store.record(ConsoleFixtures.event("job-9", .started, at: 90_000_000_000), sequence: 1)
        try store.record(ConsoleFixtures.event("job-9", .progress, at: 95_000_000_000, progress: 0.25), sequence: 2)
        fleet.heard(ConsoleFixtures.heartbeat("node-1"), at: Clock.monotonicNanoseconds(), unix: 98_000_000_000)
        fleet.heard(ConsoleFixtures.telemetry("node-1"), at: Clock.monotonicNanoseconds(), unix: 99_000_000_000)
    }

    private func body(_ path: String, _ query: [String: String] = [:]) throws -> [UInt8] {
        let response = try XCTUnwrap(api.respond(path: path, query: query))
        XCTAssertEqual(response.status, 200, String(decoding: response.body, as: UTF8.self))
        return response.body
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ path: String) throws -> Value {
        try MasterClient(baseURL: "http://unused").decode(type, body(path), path: path)
    }

    func testJobsDecodeAndShowTheirStateProgressAndAge() throws {
        let jobs = try decode(MasterRows.JobList.self, "/api/jobs").jobs
        let running = try XCTUnwrap(jobs.first { $0.jobID == "job-9" })
        XCTAssertEqual(running.state, "progress")
        XCTAssertEqual(running.nodeID, "node-1")
        XCTAssertEqual(running.progress, 0.25)
        let line = MasterTables.jobs([running], now: now).text.split(separator: "\n")[1]
        XCTAssertEqual(String(line), "job-9  progress  node-1  -         -             25%        1   5s ago  -")
    }

    func testFailedJobsAreListedWithTheirReasonJobsJetStreamGaveUpOnIncluded() throws {
        let store = try MasterStore(path: ":memory:")
        api = MasterAPI(store: store, fleet: FleetView(offlineAfterSeconds: 15))
        try store.record(ConsoleFixtures.event("job-dead", .started, at: 90_000_000_000), sequence: 1)
        let advisory = #"{"stream":"JOBS","consumer":"cpu","stream_seq":7,"deliveries":5}"#
        let deadLetter = try XCTUnwrap(
            DeadLetter(subject: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.cpu", payload: Array(advisory.utf8)))
        try store.record(deadLetter, jobID: "job-dead", at: 95_000_000_000)
        let answer = try body("/api/jobs", ["state": "failed"])
        let jobs = try MasterClient(baseURL: "http://unused").decode(MasterRows.JobList.self, answer, path: "").jobs
        XCTAssertEqual(jobs.map(\.jobID), ["job-dead"])
        XCTAssertEqual(
            MasterTables.failedJobs(jobs, now: now).text,
            """
            JOB       NODE    ATTEMPTS  FAILED  REASON
            job-dead  node-1         5  5s ago  max deliveries reached (5 attempts)

            """)
    }

    func testNodesDecodeWithTheirHeartbeatAndTelemetry() throws {
        let nodes = try decode(MasterRows.NodeList.self, "/api/nodes").nodes
        XCTAssertEqual(nodes.count, 1)
        XCTAssertEqual(nodes[0].heartbeat, ConsoleFixtures.heartbeat("node-1"))
        XCTAssertEqual(nodes[0].telemetry?.totalWatts, 110, "package + dram; psys contains them")
        XCTAssertEqual(nodes[0].lastSeen, 99_000_000_000, "telemetry counts as being heard from")
        XCTAssertEqual(
            MasterTables.nodes(nodes, now: now).text,
            """
            NODE    NAME        STATUS  SLOTS  CPU  POWER  CAPABILITIES  ENERGY  VERSION  LAST SEEN
            node-1  node-1.lab  busy      1/4  38%  110 W  cpu           rapl    0.5.0       1s ago

            """)
    }

    func testResultsAndTheSummaryDecode() throws {
        let results = try decode(MasterRows.ResultList.self, "/api/results")
        XCTAssertEqual(results.results.map(\.jobID), ["job-1", "job-0"], "newest first")
        XCTAssertEqual(results.results.last, ConsoleFixtures.result("job-0", finishedAt: 1_000_000_000))
        let summary = try decode(MasterRows.SummaryList.self, "/api/summary").summary
        XCTAssertEqual(summary.count, 1, "succeeded results only")
        XCTAssertEqual(summary[0].runs, 1)
        XCTAssertEqual(summary[0].energySources, "rapl")
        XCTAssertEqual(summary[0].stats?.fps?.n, 1)
        XCTAssertNotNil(summary[0].configurationKey)
        let table = MasterTables.summary(summary).text
        XCTAssertTrue(table.contains("libx265") && table.contains("node-1"), table)
        XCTAssertTrue(MasterTables.summaryCSV(summary).hasPrefix("configuration,node_id,n,fps_mean,fps_sd,"))
        let queues = try decode(MasterRows.QueueList.self, "/api/queues").queues
        XCTAssertEqual(MasterTables.queues(queues), "")
    }

    func testTheSummaryShowsJoulesPerFramePerQualityPointOfEachMeasuredMetricOnly() throws {
        let summary = try decode(MasterRows.SummaryList.self, "/api/summary").summary
        let perPoint = try XCTUnwrap(summary.first?.joulesPerQualityPoint)
        XCTAssertEqual(Set(perPoint.keys), ["psnr", "ssim"], "no VMAF measured: no VMAF figure, not zero")
        XCTAssertEqual(try XCTUnwrap(perPoint["psnr"]), 700.0 / 300 / 41.2, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(perPoint["ssim"]), 700.0 / 300 / 0.981, accuracy: 1e-9)
        let table = MasterTables.summary(summary).text
        XCTAssertTrue(table.contains("J/FRAME PER QUALITY POINT"), table)
        XCTAssertTrue(table.contains("PSNR 0.0566 · SSIM 2.38"), table)
        let csv = MasterTables.summaryCSV(summary).split(separator: "\n").map(String.init)
        let columns = ["psnr", "ssim", "vmaf"].map { "j_per_frame_per_\($0)_point" }
        XCTAssertTrue(csv[0].hasSuffix("," + columns.joined(separator: ",")), csv[0])
        XCTAssertTrue(csv[1].hasSuffix(","), "no VMAF figure: an empty cell")
    }

    func testANodeWhoseHeartbeatCannotBeReadIsStillListed() throws {
        let json =
            #"{"nodes":[{"node_id":"old","name":"old","status":"offline","last_seen":1,"heartbeat":{"v":1},"telemetry":null}]}"#
        let nodes = try MasterClient(baseURL: "http://unused").decode(
            MasterRows.NodeList.self, Array(json.utf8), path: "/api/nodes"
        ).nodes
        XCTAssertEqual(nodes.map(\.nodeID), ["old"])
        XCTAssertNil(nodes[0].heartbeat)
        XCTAssertTrue(MasterTables.nodes(nodes, now: now).text.contains("old   old   offline"))
    }

    func testAResultThatCannotBeReadIsCountedNotFatal() throws {
        let good = String(decoding: try MessageCoding.encode(ConsoleFixtures.result("ok")), as: UTF8.self)
        let json = "{\"results\":[\(good),{\"job_id\":\"broken\"}],\"limit\":100,\"offset\":0}"
        let list = try MasterClient(baseURL: "http://unused").decode(
            MasterRows.ResultList.self, Array(json.utf8), path: "/api/results")
        XCTAssertEqual(list.results.map(\.jobID), ["ok"])
        XCTAssertEqual(list.undecodable, 1)
    }
}
