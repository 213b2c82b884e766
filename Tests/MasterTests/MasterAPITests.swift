import FoundationEssentials
import Client
import Foundation
import Model
import Support
import XCTest

@testable import Master

/// The API's answers: shapes, filters, 400s naming the parameter, 404s, Prometheus text.
final class MasterAPITests: XCTestCase {
    private var store: MasterStore!
    private var fleet: FleetView!
    private var api: MasterAPI!

    override func setUpWithError() throws {
        store = try MasterStore(path: ":memory:")
        fleet = FleetView(offlineAfterSeconds: 15)
        api = MasterAPI(store: store, fleet: fleet)
        for (index, scenario) in ["720p30-h264", "1080p30-h264"].enumerated() {
            let result = MasterFixtures.result("job-\(index)", finishedAt: Int64(index + 1) * 1000, scenario: scenario)
            try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
        }
        fleet.heard(MasterFixtures.heartbeat("node-\"1\""), at: Clock.monotonicNanoseconds(), unix: 5)
        fleet.heard(MasterFixtures.telemetry("node-\"1\""), at: Clock.monotonicNanoseconds(), unix: 6)
    }

    private func object(_ path: String, _ query: [String: String] = [:]) throws -> [String: Any] {
        let response = try XCTUnwrap(api.respond(path: path, query: query))
        XCTAssertEqual(response.status, 200, String(decoding: response.body, as: UTF8.self))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func testResultsAreFilteredAndPaged() throws {
        XCTAssertEqual((try object("/api/results")["results"] as? [Any])?.count, 2)
        let filtered = try object("/api/results", ["scenario": "1080p30-h264"])["results"] as? [[String: Any]]
        XCTAssertEqual(filtered?.map { $0["job_id"] as? String }, ["job-1"])
        let paged = try object("/api/results", ["limit": "1", "offset": "1"])["results"] as? [[String: Any]]
        XCTAssertEqual(paged?.map { $0["job_id"] as? String }, ["job-0"], "newest first")
    }

    func testBadParametersAreNamedIn400s() throws {
        for (name, value) in [("limit", "0"), ("limit", "abc"), ("offset", "-1"), ("since", "yesterday")] {
            let response = try XCTUnwrap(api.respond(path: "/api/results", query: [name: value]))
            XCTAssertEqual(response.status, 400)
            XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains(name), "\(name)=\(value)")
        }
    }

    func testAJobShowsItsEventsTelemetryAndResultsAndAnUnknownJobIs404() throws {
        let job = try object("/api/jobs/job-1")
        XCTAssertEqual(job["state"] as? String, "succeeded")
        XCTAssertEqual((job["results"] as? [[String: Any]])?.first?["status"] as? String, "succeeded")
        XCTAssertNotNil(job["events"] as? [Any])
        XCTAssertEqual(api.respond(path: "/api/jobs/nope", query: [:])?.status, 404)
        XCTAssertEqual(api.respond(path: "/api/jobs/..%2f", query: [:])?.status, 404)
        XCTAssertNil(api.respond(path: "/api/other", query: [:]))
    }

    func testNodesAndSummary() throws {
        let nodes = try XCTUnwrap(object("/api/nodes")["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.first?["status"] as? String, "available")
        XCTAssertEqual(((nodes.first?["telemetry"] as? [String: Any])?["cpu_percent"] as? Double), 50)
        let summary = try XCTUnwrap(object("/api/summary")["summary"] as? [[String: Any]])
        XCTAssertEqual(summary.count, 2)
    }

    func testMetricsAreValidPrometheusText() throws {
        let response = try XCTUnwrap(api.respond(path: "/metrics", query: [:]))
        XCTAssertTrue(response.contentType.hasPrefix("text/plain; version=0.0.4"))
        let text = String(decoding: response.body, as: UTF8.self)
        let sample = try Regex(
            #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? -?[0-9.e+]+$"#)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            XCTAssertNotNil(try sample.wholeMatch(in: String(line)), "not a valid sample line: \(line)")
        }
        XCTAssertTrue(text.contains(#"ffrtmp_node_power_watts{node="node-\"1\"",domain="cpu",source="estimated"} 9.5"#))
        XCTAssertTrue(text.contains(#"ffrtmp_results_stored{status="succeeded"} 2"#))
        XCTAssertTrue(text.contains("# TYPE ffrtmp_results_stored gauge"))
    }

    private func nodes(_ query: [String: String] = [:]) throws -> (nodes: [[String: Any]], total: Int?) {
        let answer = try object("/api/nodes", query)
        return (try XCTUnwrap(answer["nodes"] as? [[String: Any]]), answer["total"] as? Int)
    }

    func testNodesComeInIdOrderWithATotalAndCanBePaged() throws {
        for index in [3, 0, 2] {
            fleet.heard(MasterFixtures.heartbeat("node-\(index)"), at: Clock.monotonicNanoseconds(), unix: 7)
        }
        let all = try nodes()
        XCTAssertEqual(all.nodes.map { $0["node_id"] as? String }, ["node-\"1\"", "node-0", "node-2", "node-3"])
        XCTAssertEqual(all.total, 4)
        let page = try nodes(["limit": "2", "offset": "1"])
        XCTAssertEqual(page.nodes.map { $0["node_id"] as? String }, ["node-0", "node-2"])
        XCTAssertEqual(page.total, 4)
        XCTAssertEqual(try nodes(["offset": "9"]).nodes.count, 0)
        for (name, value) in [("limit", "0"), ("offset", "x"), ("fields", "some")] {
            let response = try XCTUnwrap(api.respond(path: "/api/nodes", query: [name: value]))
            XCTAssertEqual(response.status, 400, "\(name)=\(value)")
        }
    }

    func testNodesArePagedByACursorWithADefaultPageAndALargestOne() throws {
        for index in 0..<(MasterAPI.largestNodePage + 10) {
            fleet.heard(MasterFixtures.heartbeat("n-\(index)"), at: Clock.monotonicNanoseconds(), unix: 7)
        }
        let first = try object("/api/nodes")
        XCTAssertEqual((first["nodes"] as? [[String: Any]])?.count, MasterAPI.defaultNodePage)
        XCTAssertEqual(first["limit"] as? Int, MasterAPI.defaultNodePage)
        let clamped = try object("/api/nodes", ["limit": "1000000", "fields": "summary"])
        XCTAssertEqual((clamped["nodes"] as? [[String: Any]])?.count, MasterAPI.largestNodePage)
        var seen: [String] = []
        var after: String?
        repeat {
            var query = ["limit": "2000", "fields": "summary"]
            query["after"] = after
            let page = try object("/api/nodes", query)
            let ids = try XCTUnwrap(page["nodes"] as? [[String: Any]]).compactMap { $0["node_id"] as? String }
            XCTAssertEqual(page["offset"] as? Int, seen.count)
            seen += ids
            after = page["next"] as? String
            if after != nil { XCTAssertEqual(after, ids.last) }
        } while after != nil && seen.count < 100_000
        XCTAssertEqual(seen.count, fleet.count)
        XCTAssertEqual(seen, seen.sorted())
        XCTAssertEqual((try object("/api/nodes", ["after": "zzz"])["nodes"] as? [Any])?.count, 0)
        let both = try XCTUnwrap(api.respond(path: "/api/nodes", query: ["after": "n-1", "offset": "1"]))
        XCTAssertEqual(both.status, 400)
    }

    func testTheFleetSummaryCountsNodesSlotsPowerAndIngest() throws {
        var busy = MasterFixtures.heartbeat("node-busy")
        busy.state = .busy
        busy.slotsBusy = 1
        busy.runningJobs = ["job-1"]
        fleet.heard(busy, at: Clock.monotonicNanoseconds(), unix: 7)
        let inbox = FleetInbox(shards: 1, capacity: 10)
        for text in ["1", "2", "3"] {
            inbox.put(Message(subject: "metrics.a", payload: Array(text.utf8)), kind: .telemetry)
        }
        inbox.put(Message(subject: "hb.a"), kind: .heartbeat)
        api = MasterAPI(store: store, fleet: fleet, storeQueue: { 0 }, inbox: inbox, extraMetrics: { [] })
        let summary = try object("/api/fleet")
        XCTAssertEqual(summary["nodes"] as? Int, 2)
        XCTAssertEqual(
            summary["by_status"] as? [String: Int], ["available": 1, "busy": 1, "draining": 0, "offline": 0])
        XCTAssertEqual(summary["slots_total"] as? Int, 2)
        XCTAssertEqual(summary["slots_busy"] as? Int, 1)
        XCTAssertEqual(summary["busy_nodes"] as? Int, 1)
        XCTAssertEqual(summary["idle_nodes"] as? Int, 1)
        XCTAssertEqual(summary["running_jobs"] as? Int, 1)
        XCTAssertEqual(summary["power_watts"] as? Double, 9.5)
        XCTAssertEqual(summary["nodes_with_power"] as? Int, 1)
        let ingest = try XCTUnwrap(summary["ingest"] as? [String: Int])
        XCTAssertEqual(ingest["telemetry_received"], 3)
        XCTAssertEqual(ingest["telemetry_coalesced"], 2)
        XCTAssertEqual(ingest["heartbeats_received"], 1)
        XCTAssertEqual(ingest["inbox_waiting"], 2)
        XCTAssertEqual(ingest["telemetry_decoded"], 1)
    }

    func testTheFleetSummaryServesTheKeptNodeCountsWhileFreshAndCountsItselfOtherwise() throws {
        let now = Clock.monotonicNanoseconds()
        fleet.keep(census: #"{"nodes":77}"#, at: now)
        let kept = try object("/api/fleet")
        XCTAssertEqual(kept["nodes"] as? Int, 77)
        XCTAssertNotNil(kept["ingest"] as? [String: Int])
        XCTAssertNotNil(kept["queues"] as? [Any])
        fleet.keep(census: #"{"nodes":77}"#, at: now - 3_000_000_000)
        XCTAssertEqual(try object("/api/fleet")["nodes"] as? Int, 1)
    }

    func testTheMetricsSayHowManyMessagesWereReceivedAndCoalesced() throws {
        let inbox = FleetInbox(shards: 1, capacity: 1)
        for subject in ["metrics.a", "metrics.a", "metrics.b", "metrics.c"] {
            inbox.put(Message(subject: subject), kind: .telemetry)
        }
        api = MasterAPI(store: store, fleet: fleet, storeQueue: { 0 }, inbox: inbox, extraMetrics: { [] })
        let response = try XCTUnwrap(api.respond(path: "/metrics", query: [:]))
        let text = String(decoding: response.body, as: UTF8.self)
        XCTAssertTrue(text.contains("\nffrtmp_master_received_total{kind=\"telemetry\"} 4\n"), text)
        XCTAssertTrue(text.contains("\nffrtmp_master_coalesced_total{kind=\"telemetry\"} 1\n"))
        XCTAssertTrue(text.contains("\nffrtmp_master_inbox_overflowed_total 2\n"))
        XCTAssertTrue(text.contains("\nffrtmp_master_inbox_waiting 1\n"))
    }

    func testASummaryGivesFiguresInsteadOfTheMessages() throws {
        let node = try XCTUnwrap(nodes(["fields": "summary"]).nodes.first)
        XCTAssertNil(node["heartbeat"])
        XCTAssertEqual(node["status"] as? String, "available")
        XCTAssertEqual(node["slots_total"] as? Int, 1)
        XCTAssertEqual(node["running_jobs"] as? Int, 0)
        XCTAssertEqual(node["cpu_percent"] as? Double, 50)
        XCTAssertEqual(node["watts"] as? Double, 9.5)
    }

    func testTheNodesOwnJSONIsShownAsItArrived() throws {
        let heartbeat = MasterFixtures.heartbeat("node-8")
        fleet.heard(heartbeat, json: #"{"as":"sent"}"#, at: Clock.monotonicNanoseconds(), unix: 8)
        let node = try XCTUnwrap(nodes().nodes.first { $0["node_id"] as? String == "node-8" })
        XCTAssertEqual(node["heartbeat"] as? [String: String], ["as": "sent"])
    }

    func testNodesRememberedFromTheStoreAreOfflineUntilHeardFrom() throws {
        try store.record(FleetBatch(nodes: [(MasterFixtures.heartbeat("node-old"), #"{"old":true}"#, 3)]))
        var remembered: [String: FleetView.Remembered] = [:]
        for row in try store.knownNodes() { remembered[row["node_id"].string ?? ""] = NodeJSON.remembered(row) }
        fleet.remember(remembered)
        var node = try XCTUnwrap(nodes().nodes.first { $0["node_id"] as? String == "node-old" })
        XCTAssertEqual(node["status"] as? String, "offline")
        XCTAssertEqual(node["last_seen"] as? Int, 3)
        XCTAssertEqual(node["heartbeat"] as? [String: Bool], ["old": true])
        XCTAssertEqual(try nodes(["fields": "summary"]).nodes.last?["status"] as? String, "offline")
        fleet.heard(MasterFixtures.heartbeat("node-old"), at: Clock.monotonicNanoseconds(), unix: 9)
        let listed = try nodes()
        XCTAssertEqual(listed.total, 2, "listed once")
        node = try XCTUnwrap(listed.nodes.first { $0["node_id"] as? String == "node-old" })
        XCTAssertEqual(node["status"] as? String, "available")
    }
}
