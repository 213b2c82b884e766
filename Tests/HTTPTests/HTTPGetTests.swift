import HTTP
import XCTest

/// The CLI's HTTP GET against a server made here: each framing, statuses, early close, timeouts.
final class HTTPGetTests: XCTestCase {
    private func fetch(
        _ server: CannedHTTPServer, path: String = "/api/jobs?state=running", timeout: Duration = .seconds(5)
    )
        throws -> HTTPReceivedResponse
    {
        defer { server.stop() }
        return try HTTPGet.fetch(server.url + path, timeout: timeout)
    }

    func testAContentLengthBodyIsReadWholeAndTheRequestIsAPlainGet() throws {
        let server = try CannedHTTPServer(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"jobs\":[]}\n")
        let response = try fetch(server)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        XCTAssertEqual(response.text, "{\"jobs\":[]}\n")
        XCTAssertTrue(server.request.hasPrefix("GET /api/jobs?state=running HTTP/1.1\r\n"), server.request)
        XCTAssertTrue(server.request.contains("\r\nHost: 127.0.0.1:\(server.port)\r\n"), server.request)
        XCTAssertTrue(server.request.contains("\r\nConnection: close\r\n"), server.request)
    }

    func testAChunkedBodyArrivingInPiecesIsJoined() throws {
        let server = try CannedHTTPServer(pieces: [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":", "\r\n3;ext=1\r\n[1]\r\n1\r",
            "\n}\r\n0\r\n",
            "Trailer: x\r\n\r\n",
        ])
        XCTAssertEqual(try fetch(server).text, "{\"a\":[1]}")
    }

    func testABodyWithoutLengthEndsWhenTheServerCloses() throws {
        let server = try CannedHTTPServer(pieces: ["HTTP/1.0 200 OK\r\n\r\nfirst ", "second"])
        XCTAssertEqual(try fetch(server).text, "first second")
    }

    func testAnErrorStatusIsReturnedWithItsJSONBody() throws {
        let body = "{\"error\":\"limit must be 1 to 1000\"}"
        let server = try CannedHTTPServer(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let response = try fetch(server)
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.reason, "Bad Request")
        XCTAssertFalse(response.isSuccess)
        XCTAssertEqual(response.text, body)
    }

    func testAConnectionClosedBeforeTheBodyEndsIsAnError() throws {
        let server = try CannedHTTPServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jobs\":")
        XCTAssertThrowsError(try fetch(server)) { error in
            XCTAssertEqual(error as? HTTPGetError, .closedEarly("after 8 of 100 body bytes"))
            XCTAssertEqual("\(error)", "the server closed the connection early: after 8 of 100 body bytes")
        }
        let silent = try CannedHTTPServer(pieces: [])
        XCTAssertThrowsError(try fetch(silent)) { error in
            XCTAssertEqual(error as? HTTPGetError, .closedEarly("no response at all"))
        }
    }

    func testAServerThatStallsTimesOut() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
        let server = try CannedHTTPServer(pieces: [head], holdOpen: 1.5)
        defer { server.stop() }
        let start = ContinuousClock.now
        XCTAssertThrowsError(try HTTPGet.fetch(server.url, timeout: .milliseconds(300))) { error in
            XCTAssertEqual(error as? HTTPGetError, .timeout(received: head.utf8.count))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1.2), "the timeout, not the server, ended the wait")
    }

    func testNothingListeningIsAConnectionRefused() throws {
        let server = try CannedHTTPServer(pieces: [])
        let url = server.url
        _ = try? HTTPGet.fetch(url, timeout: .seconds(1))  // Let the server take its one connection and close.
        server.stop()
        XCTAssertThrowsError(try HTTPGet.fetch(url, timeout: .seconds(1))) { error in
            XCTAssertEqual("\(error)", "connection refused")
        }
    }

    func testURLsAreTakenApartOrRefused() throws {
        XCTAssertEqual(
            try HTTPAddress(parsing: "http://master.lab:8080/api/jobs?limit=5#top"),
            HTTPAddress(host: "master.lab", port: 8080, target: "/api/jobs?limit=5"))
        XCTAssertEqual(try HTTPAddress(parsing: "127.0.0.1:9000"), HTTPAddress(host: "127.0.0.1", port: 9000))
        XCTAssertEqual(
            try HTTPAddress(parsing: "http://[::1]:8080?x=1"), HTTPAddress(host: "::1", port: 8080, target: "/?x=1"))
        XCTAssertEqual(try HTTPAddress(parsing: "HTTP://h").hostHeader, "h")
        XCTAssertEqual(try HTTPAddress(parsing: "http://[::1]:81").hostHeader, "[::1]:81")
        XCTAssertEqual(try HTTPAddress(parsing: "https://h"), HTTPAddress(host: "h", port: 443, isSecure: true))
        XCTAssertEqual(try HTTPAddress(parsing: "https://h:8443/x").hostHeader, "h:8443")
        XCTAssertEqual(try HTTPAddress(parsing: "https://h:443").hostHeader, "h")
        XCTAssertThrowsError(try HTTPAddress(parsing: "ftp://h")) {
            XCTAssertEqual($0 as? HTTPGetError, .unsupportedScheme("ftp"))
        }
        for bad in ["http://", "http://user:pw@h/", "http://h:0", "http://h:x", "http://[::1", "://h", "http://h/a b"] {
            XCTAssertThrowsError(try HTTPAddress(parsing: bad), bad)
        }
    }
}
