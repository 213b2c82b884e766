import HTTP
import XCTest

/// The router features the master's API is served through: a parameter that takes the rest of the
/// path, a chosen answer for no match, and the status table's reason phrases.
final class HTTPRouterRestTests: XCTestCase {
    private func answer(_ router: HTTPRouter, _ target: String) throws -> (status: Int, text: String) {
        let response = router.respond(to: try HTTPRequest(method: .get, target: target))
        guard case .bytes(let body) = response.body else { return (response.status.code, "") }
        return (response.status.code, String(decoding: body, as: UTF8.self))
    }

    func testARestParameterTakesEverySegmentAfterItsPrefix() throws {
        var router = HTTPRouter()
        router.get("/api/runs/{path...}") { request in .text("run \(request.parameters["path"] ?? "?")") }
        router.get("/api/runs/latest") { _ in .text("latest") }
        XCTAssertEqual(try answer(router, "/api/runs/r-1").text, "run r-1")
        XCTAssertEqual(try answer(router, "/api/runs/r-1/report").text, "run r-1/report")
        XCTAssertEqual(try answer(router, "/api/runs/latest").text, "latest")
        XCTAssertEqual(try answer(router, "/api/runsx").status, 404)
    }

    func testTheNotFoundAnswerCanBeChosen() throws {
        var router = HTTPRouter()
        router.get("/here") { _ in .text("here") }
        router.notFound = { request in .error(.notFound, "not found: \(request.path)") }
        XCTAssertEqual(try answer(router, "/here").text, "here")
        XCTAssertEqual(try answer(router, "/there").text, #"{"error":"not found: /there"}"#)
    }

    func testPathRoutesSayWhenNothingMatches() {
        var routes = PathRoutes<Int>()
        routes.add("/a", 1)
        routes.add("/a/{id}", 2)
        routes.add("/b/{rest...}", 3)
        XCTAssertEqual(routes.match("/a")?.handler, 1)
        XCTAssertEqual(routes.match("/a/x")?.parameters, ["id": "x"])
        XCTAssertNil(routes.match("/a/x/y"))
        XCTAssertEqual(routes.match("/b/x/y")?.parameters, ["rest": "x/y"])
        XCTAssertNil(routes.match("/c"))
    }

    func testAStatusByCodeHasItsReasonPhrase() {
        XCTAssertEqual(HTTPStatus(code: 200), .ok)
        XCTAssertEqual(HTTPStatus(code: 400).reason, "Bad Request")
        XCTAssertEqual(HTTPStatus(code: 404).reason, "Not Found")
        XCTAssertEqual(HTTPStatus(code: 503).reason, "Service Unavailable")
        XCTAssertEqual(HTTPStatus(code: 299).description, "299 Status")
    }
}
