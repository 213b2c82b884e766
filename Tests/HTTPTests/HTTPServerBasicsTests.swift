import HTTP
import Net
import Support
import XCTest

/// Requests and answers over real sockets: methods, keep-alive, pipelining, HTTP/1.0.
final class HTTPServerBasicsTests: XCTestCase {
    private var fixture: TestServer!

    override func setUpWithError() throws { fixture = try TestServer() }
    override func tearDown() { fixture.server.shutdown() }

    func testGetAnswersWithBodyLengthDateAndServer() throws {
        let client = try fixture.client()
        client.request("GET", "/json")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, #"{"ok":true}"#)
        XCTAssertEqual(response.header("Content-Length"), "11")
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        XCTAssertTrue(response.header("Date")?.hasSuffix(" GMT") == true)
        XCTAssertEqual(response.header("Server"), "ffrtmp/\(Version.current)")
        XCTAssertNil(response.header("Connection"))
    }

    func testHeadAnswersTheSameHeadWithoutTheBody() throws {
        let client = try fixture.client()
        client.request("HEAD", "/hello")
        let head = try XCTUnwrap(client.readResponse(bodyless: true))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), "5")
        client.request("GET", "/hello")
        let get = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(get.text, "hello", "no body bytes were left between the two answers")
    }

    func testOneConnectionServesManyRequestsInTurn() throws {
        let client = try fixture.client()
        for index in 0..<50 {
            client.request("GET", "/api/jobs/job-\(index)")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.text, "{\"id\":\"job-\(index)\"}")
        }
        XCTAssertEqual(fixture.server.connections, 1)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let client = try fixture.client()
        let batch = (0..<100).map { "GET /api/jobs/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined()
        client.send(batch + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?last=1 HTTP/1.1\r\nHost: t\r\n\r\n")
        for index in 0..<100 {
            XCTAssertEqual(client.readResponse()?.text, "{\"id\":\"\(index)\"}")
        }
        XCTAssertEqual(client.readResponse(bodyless: true)?.header("Content-Length"), "5")
        XCTAssertEqual(client.readResponse()?.text, "/echo?last=1 x-test=-")
    }

    func testPipelinedRequestsWithLargeAnswersWaitForTheClientToRead() throws {
        let client = try fixture.client()
        let size = 300_000
        client.send(String(repeating: "GET /big?size=\(size) HTTP/1.1\r\nHost: t\r\n\r\n", count: 20))
        usleep(100_000)
        for _ in 0..<20 {
            XCTAssertEqual(client.readResponse()?.body.count, size)
        }
    }

    func testConnectionCloseIsHonoured() throws {
        let client = try fixture.client()
        client.request("GET", "/hello", extra: "Connection: close\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.readUntilClosed().closed)
    }

    func testHTTP10ClosesUnlessItAsksForKeepAlive() throws {
        let closing = try fixture.client()
        closing.send("GET /hello HTTP/1.0\r\n\r\n")
        XCTAssertEqual(closing.readResponse()?.header("Connection"), "close")
        XCTAssertTrue(closing.readUntilClosed().closed)

        let keeping = try fixture.client()
        for _ in 0..<3 {
            keeping.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try XCTUnwrap(keeping.readResponse())
            XCTAssertEqual(response.header("Connection"), "keep-alive")
            XCTAssertEqual(response.text, "hello")
        }
    }

    func testQueryPathAndHeadersReachTheHandlerDecoded() throws {
        let client = try fixture.client()
        client.request("GET", "/a/../echo?name=J%C3%B6rg+M&x=%2F", extra: "x-TeSt: yes\r\n")
        XCTAssertEqual(client.readResponse()?.text, "/echo?name=Jörg M&x=/ x-test=yes")
    }

    func testUnknownPathsAreJSON404AndKeepTheConnection() throws {
        let client = try fixture.client()
        client.request("GET", "/nowhere")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.text, #"{"error":"not found"}"#)
        client.request("GET", "/hello")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testMethodsThatChangeStateAreRefusedWith405() throws {
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let client = try fixture.client()
            client.request(method, "/hello")
            let response = try XCTUnwrap(client.readResponse(), method)
            XCTAssertEqual(response.status, 405, method)
            XCTAssertEqual(response.header("Allow"), "GET, HEAD", method)
            XCTAssertEqual(response.header("Connection"), "close", method)
            XCTAssertTrue(client.readUntilClosed().closed, method)
        }
    }

    func testAClientThatHalfClosesStillGetsItsAnswers() throws {
        let client = try fixture.client()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /json HTTP/1.1\r\nHost: t\r\n\r\n")
        client.shutdownWrite()
        XCTAssertEqual(client.readResponse()?.text, "hello")
        XCTAssertEqual(client.readResponse()?.text, #"{"ok":true}"#)
        XCTAssertTrue(client.readUntilClosed().closed)
        XCTAssertTrue(fixture.drained())
    }

    func testAClientThatHalfClosesAfterManyLargeRequestsGetsEveryAnswer() throws {
        let client = try fixture.client()
        client.send(String(repeating: "GET /big?size=200000 HTTP/1.1\r\nHost: t\r\n\r\n", count: 15))
        client.shutdownWrite()
        usleep(50_000)
        for index in 0..<15 {
            XCTAssertEqual(client.readResponse()?.body.count, 200_000, "answer \(index)")
        }
        XCTAssertTrue(client.readUntilClosed().closed)
        XCTAssertTrue(fixture.drained())
    }

    func testSeveralLoopsShareTheConnections() throws {
        fixture.server.shutdown()
        fixture = try TestServer { $0.eventLoops = 3 }
        let clients = try (0..<9).map { _ in try fixture.client() }
        for round in 0..<3 {
            for (index, client) in clients.enumerated() { client.request("GET", "/api/jobs/\(index)-\(round)") }
            for (index, client) in clients.enumerated() {
                XCTAssertEqual(client.readResponse()?.text, "{\"id\":\"\(index)-\(round)\"}")
            }
        }
        XCTAssertEqual(fixture.server.connections, 9)
    }

    func testStartingOnAPortInUseFailsAndLeavesNothingRunning() throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = fixture.port
        let second = HTTPServer(
            configuration: configuration, handler: { _ in .text("x") }, logger: TestServer.quietLogger)
        let before = openDescriptorCount()
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertTrue("\(error)".contains("bind"), "\(error)")
        }
        XCTAssertEqual(openDescriptorCount(), before)
        second.shutdown()
    }

    func testInvalidSettingsAreNamedAtStart() {
        var configuration = HTTPServerConfiguration()
        configuration.maxHeaderCount = 0
        let server = HTTPServer(configuration: configuration, handler: { _ in .text("x") })
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertTrue("\(error)".contains("max_header_count"), "\(error)")
        }
    }

    func testEachRequestIsLoggedAsOneLogfmtLineAtDebug() throws {
        fixture.server.shutdown()
        let path = "/tmp/ffrtmp-http-log-\(getpid()).log"
        unlink(path)
        defer { unlink(path) }
        fixture = try TestServer(logger: Logger(component: "http", sink: try LogSink(path: path, minimumLevel: .debug)))
        do {
            let client = try fixture.client()
            client.request("GET", "/api/jobs/7?x=1")
            XCTAssertEqual(client.readResponse()?.status, 200)
            client.request("PUT", "/x")
            XCTAssertEqual(client.readResponse()?.status, 405)
            XCTAssertTrue(client.readUntilClosed().closed)
        }
        XCTAssertTrue(fixture.drained())
        let log = try String(decoding: readFile(path), as: UTF8.self)
        let requests = log.split(separator: "\n").filter { $0.contains("msg=request ") }
        XCTAssertEqual(requests.count, 1)
        XCTAssertTrue(requests.first?.contains("level=debug comp=http") == true)
        XCTAssertTrue(requests.first?.contains("method=GET path=/api/jobs/7 status=200 bytes=10 us=") == true)
        XCTAssertTrue(log.contains("level=warn comp=http msg=\"request refused\""))
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SystemError("open") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return bytes }
            bytes += chunk[..<count]
        }
    }
}
