import HTTP
import XCTest

@testable import Master

/// The master's web handler answers every path as before its API went through `HTTPRouter`: the
/// API's status with its reason phrase, its content type and body; a path nothing serves gets 404
/// naming the path.
final class MasterWebRoutingTests: XCTestCase {
    private var handler: HTTPHandler!

    override func setUpWithError() throws {
        let api = MasterAPI(store: try MasterStore(path: ":memory:"), fleet: FleetView(offlineAfterSeconds: 15))
        handler = MasterWeb.handler(api: api, live: LiveUpdates())
    }

    private func answer(_ target: String) throws -> (status: String, type: String?, body: String) {
        let response = handler(try HTTPRequest(method: .get, target: target))
        guard case .bytes(let body) = response.body else { return (response.status.description, nil, "(stream)") }
        return (response.status.description, response.headers["Content-Type"], String(decoding: body, as: UTF8.self))
    }

    func testAPIAnswersKeepTheirStatusReasonTypeAndBody() throws {
        let json = "application/json"
        let health = try answer("/health")
        XCTAssertEqual(health.status, "200 OK")
        XCTAssertEqual(health.type, json)
        XCTAssertEqual(health.body, #"{"status":"ok","store":"ok","nodes":0}"#)
        XCTAssertEqual(try answer("/api/queues").body, #"{"queues":[]}"#)
        XCTAssertEqual(try answer("/metrics").type, "text/plain; version=0.0.4; charset=utf-8")
        let badLimit = try answer("/api/jobs?limit=0")
        XCTAssertEqual(badLimit.status, "400 Bad Request")
        XCTAssertEqual(badLimit.body, #"{"error":"limit must be 1 to 1000"}"#)
    }

    func testMissingThingsAreNotFoundWithTheAPIsOwnWords() throws {
        let expected = [
            "/api/jobs/nope": #"{"error":"no job nope"}"#,
            "/api/jobs/a/b": #"{"error":"no job a/b"}"#,
            "/api/runs/camp": #"{"error":"no run camp"}"#,
            "/api/runs/camp/report": #"{"error":"no run camp"}"#,
            "/api/nope": #"{"error":"not found: /api/nope"}"#,
            "/api/jobsx": #"{"error":"not found: /api/jobsx"}"#,
        ]
        for (target, body) in expected {
            let result = try answer(target)
            XCTAssertEqual(result.status, "404 Not Found", target)
            XCTAssertEqual(result.type, "application/json", target)
            XCTAssertEqual(result.body, body, target)
        }
    }

    func testTheDashboardAndTheLiveFeedAreStillServed() throws {
        let page = try answer("/")
        XCTAssertEqual(page.status, "200 OK")
        XCTAssertEqual(page.type, "text/html; charset=utf-8")
        XCTAssertEqual(try answer("/events").body, "(stream)")
    }
}
