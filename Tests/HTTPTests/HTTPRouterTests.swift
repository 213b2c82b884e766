import HTTP
import XCTest

final class HTTPRouterTests: XCTestCase {
    private var router: HTTPRouter {
        var router = HTTPRouter()
        router.get("/api/jobs") { _ in .text("list") }
        router.get("/api/jobs/{id}") { request in .text("job \(request.parameters["id"] ?? "?")") }
        router.get("/api/jobs/special/{name}") { request in .text("special \(request.parameters["name"] ?? "?")") }
        router.get("/api/jobs/latest") { _ in .text("latest") }
        return router
    }

    private func answer(_ target: String) throws -> (status: Int, text: String) {
        let response = router.respond(to: try HTTPRequest(method: .get, target: target))
        guard case .bytes(let body) = response.body else { return (response.status.code, "") }
        return (response.status.code, String(decoding: body, as: UTF8.self))
    }

    func testExactPathsWinOverParameters() throws {
        XCTAssertEqual(try answer("/api/jobs").text, "list")
        XCTAssertEqual(try answer("/api/jobs/").text, "list")
        XCTAssertEqual(try answer("/api/jobs/latest").text, "latest")
    }

    func testAParameterTakesOneDecodedSegment() throws {
        XCTAssertEqual(try answer("/api/jobs/j-42").text, "job j-42")
        XCTAssertEqual(try answer("/api/jobs/a%20b?x=1").text, "job a b")
        XCTAssertEqual(try answer("/api/jobs/special/x").text, "special x")
    }

    func testAnythingElseIsNotFoundAsJSON() throws {
        for target in ["/", "/api", "/api/jobs/a/b", "/api/jobsx", "/API/jobs"] {
            let result = try answer(target)
            XCTAssertEqual(result.status, 404, target)
            XCTAssertEqual(result.text, #"{"error":"not found"}"#, target)
        }
    }
}
