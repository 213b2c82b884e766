import HTTP
import Support
import TestSupport
import XCTest

/// The bearer-token gate: 401 with a challenge without the token or with a wrong one, the handler's
/// answer with it (header, query or cookie), open paths without it, and the token file.
final class HTTPBearerTokenTests: XCTestCase {
    private let secret = "s3cret-token-0123456789"

    private func guarded() throws -> HTTPHandler {
        try HTTPBearerToken(secret).guarding({ _ in .text("inside") }, openPaths: ["/health"])
    }

    private func answer(
        _ handler: HTTPHandler, _ target: String, headers: HTTPHeaders = [:]
    ) throws -> (status: Int, body: String, headers: HTTPHeaders) {
        let response = handler(try HTTPRequest(method: .get, target: target, headers: headers))
        guard case .bytes(let body) = response.body else { return (response.status.code, "(stream)", response.headers) }
        return (response.status.code, String(decoding: body, as: UTF8.self), response.headers)
    }

    func testAShortTokenOrOneWithSpacesOrSemicolonsIsRefused() {
        XCTAssertThrowsError(try HTTPBearerToken("short"))
        XCTAssertThrowsError(try HTTPBearerToken("has a space in it 123"))
        XCTAssertThrowsError(try HTTPBearerToken("semicolon;0123456789abc"))
        XCTAssertNoThrow(try HTTPBearerToken(secret))
    }

    func testOnlyTheExactTokenMatches() throws {
        let token = try HTTPBearerToken(secret)
        XCTAssertTrue(token.matches(secret))
        XCTAssertFalse(token.matches(secret + "x"))
        XCTAssertFalse(token.matches(String(secret.dropLast())))
        XCTAssertFalse(token.matches(""))
        XCTAssertFalse(token.matches("S3cret-token-0123456789"))
        XCTAssertEqual(token.authorization, "Bearer " + secret)
    }

    func testWithoutTheTokenTheAnswerIs401WithABearerChallenge() throws {
        let missing = try answer(try guarded(), "/api/nodes")
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.headers["WWW-Authenticate"], #"Bearer realm="ffrtmp""#)
        XCTAssertEqual(missing.body, #"{"error":"a bearer token is required"}"#)
        for headers: HTTPHeaders in [
            ["Authorization": "Bearer wrong-token-0123456789"], ["Authorization": "Basic \(secret)"],
            ["Cookie": "ffrtmp_token=wrong"],
        ] {
            let wrong = try answer(try guarded(), "/api/nodes", headers: headers)
            XCTAssertEqual(wrong.status, 401, "\(headers)")
            XCTAssertNotEqual(wrong.body, "inside")
        }
        let wrongQuery = try answer(try guarded(), "/?token=nope")
        XCTAssertEqual(wrongQuery.status, 401)
        XCTAssertEqual(wrongQuery.headers["WWW-Authenticate"], #"Bearer realm="ffrtmp", error="invalid_token""#)
        XCTAssertNil(wrongQuery.headers["Set-Cookie"])
    }

    func testTheTokenInTheHeaderTheQueryOrTheCookieIsServed() throws {
        let handler = try guarded()
        let header = try answer(handler, "/api/nodes", headers: ["Authorization": "bearer \(secret)"])
        XCTAssertEqual(header.status, 200)
        XCTAssertEqual(header.body, "inside")
        XCTAssertNil(header.headers["Set-Cookie"])
        let query = try answer(handler, "/?token=\(secret)")
        XCTAssertEqual(query.status, 200)
        XCTAssertEqual(query.headers["Set-Cookie"], "ffrtmp_token=\(secret); Path=/; HttpOnly; SameSite=Strict")
        let cookie = try answer(handler, "/events", headers: ["Cookie": "theme=dark; ffrtmp_token=\(secret)"])
        XCTAssertEqual(cookie.status, 200)
        XCTAssertEqual(cookie.body, "inside")
    }

    func testOpenPathsNeedNoToken() throws {
        XCTAssertEqual(try answer(try guarded(), "/health").status, 200)
        XCTAssertEqual(try answer(try guarded(), "/health/x").status, 401)
    }

    func testTheTokenFileIsItsFirstLineWithoutSurroundingWhitespace() throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", "  \(secret)\n")
        XCTAssertTrue(try HTTPBearerToken.read(file: directory.path + "/token").matches(secret))
        try directory.write("empty", "\n")
        XCTAssertThrowsError(try HTTPBearerToken.read(file: directory.path + "/empty"))
        XCTAssertThrowsError(try HTTPBearerToken.read(file: directory.path + "/absent"))
    }

    func testAGuardedServerRefusesAClientWithoutTheTokenAndServesOneWithIt() throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let server = HTTPServer(
            configuration: configuration, handler: try guarded(), logger: TestServer.quietLogger)
        try server.start()
        defer { server.shutdown() }
        let url = "http://127.0.0.1:\(server.port)/api/nodes"
        XCTAssertEqual(try HTTPGet.fetch(url).status, 401)
        let wrong = try HTTPGet.fetch(url, headers: [("Authorization", "Bearer nope-nope-nope-nope")])
        XCTAssertEqual(wrong.status, 401)
        let right = try HTTPGet.fetch(url, headers: [("Authorization", "Bearer \(secret)")])
        XCTAssertEqual(right.status, 200)
        XCTAssertEqual(right.text, "inside")
    }
}
