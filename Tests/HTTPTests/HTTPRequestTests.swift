import XCTest

@testable import HTTP

final class HTTPRequestTests: XCTestCase {
    private func request(_ head: String) throws(HTTPRequestError) -> HTTPRequest {
        var parser = HTTPRequestParser(maxRequestLineBytes: 8192, maxHeaderBytes: 16384, maxHeaderCount: 100)
        guard case .head(let parsed, _) = Array(head.utf8).withUnsafeBytes({ parser.parse($0) }) else {
            throw .malformedRequestLine
        }
        return try HTTPRequest(head: parsed, remoteAddress: "127.0.0.1:1")
    }

    private func refusal(_ head: String) -> HTTPRequestError? {
        do {
            _ = try request(head)
            return nil
        } catch {
            return error
        }
    }

    func testPathAndQueryArriveDecodedAndNormalised() throws {
        let parsed = try request(
            "GET /api/./x/../jobs//%41b?state=run%20ning&node=a+b&flag&=v&e= HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(parsed.method, .get)
        XCTAssertEqual(parsed.path, "/api/jobs/Ab")
        XCTAssertEqual(parsed.query("state"), "run ning")
        XCTAssertEqual(parsed.query("node"), "a b")
        XCTAssertEqual(parsed.query("flag"), "")
        XCTAssertEqual(parsed.query("missing"), nil)
        XCTAssertEqual(parsed.queryItems.map(\.name), ["state", "node", "flag", "", "e"])
        XCTAssertEqual(parsed.target, "/api/./x/../jobs//%41b?state=run%20ning&node=a+b&flag&=v&e=")
    }

    func testAbsoluteFormTargetsKeepOnlyPathAndQuery() throws {
        XCTAssertEqual(try request("GET http://example.com:8080/a/b?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").path, "/a/b")
        XCTAssertEqual(try request("HEAD HTTPS://example.com HTTP/1.1\r\nHost: h\r\n\r\n").path, "/")
    }

    func testUnsafeTargetsAreRefused() {
        for target in [
            "/a%zz", "/a%4", "/%00", "/a?x=%00", "/..", "/a/../../b", "/%2e%2e/etc", "/a%2Fb", "/%0A", "/%ff",
            "/a?x=%C3", "*", "relative", "/a#frag",
        ] {
            guard case .invalidTarget = refusal("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n") else {
                XCTFail("\(target) was accepted")
                continue
            }
        }
    }

    func testOnlyGetAndHeadAreAllowed() {
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "get"] {
            XCTAssertEqual(refusal("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n"), .methodNotAllowed, method)
        }
        XCTAssertEqual(refusal("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"), nil)
    }

    func testBodiesAreNotAccepted() {
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"), .bodyNotAccepted)
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), .bodyNotAccepted)
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), nil)
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0, 0\r\n\r\n"), nil)
        for value in ["abc", "-1", "", "1 2", "0, 1", "99999999999999999999999"] {
            XCTAssertEqual(
                refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n"), .invalidContentLength, value)
        }
        XCTAssertEqual(
            refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n"),
            .invalidContentLength)
    }

    func testHTTP11NeedsExactlyOneHost() {
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\n\r\n"), .invalidHost)
        XCTAssertEqual(refusal("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), .invalidHost)
        XCTAssertEqual(refusal("GET / HTTP/1.0\r\n\r\n"), nil)
    }

    func testKeepAliveFollowsVersionAndConnectionHeader() throws {
        XCTAssertTrue(try request("GET / HTTP/1.1\r\nHost: h\r\n\r\n").wantsKeepAlive)
        XCTAssertFalse(try request("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n").wantsKeepAlive)
        XCTAssertFalse(try request("GET / HTTP/1.0\r\n\r\n").wantsKeepAlive)
        XCTAssertTrue(try request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").wantsKeepAlive)
    }

    func testHeadersCompareNamesWithoutCase() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Many": "1"]
        headers.add(name: "x-many", value: "2")
        XCTAssertEqual(headers["content-TYPE"], "text/plain")
        XCTAssertEqual(headers.values(for: "X-MANY"), ["1", "2"])
        headers.set(name: "X-Many", value: "3")
        XCTAssertEqual(headers.values(for: "x-many"), ["3"])
        headers.remove(name: "CONTENT-type")
        XCTAssertFalse(headers.contains("Content-Type"))
    }
}
