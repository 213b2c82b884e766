import HTTP
import Net
import TestSupport
import XCTest

/// What the server refuses, and that refusing never hurts the next client.
final class HTTPServerLimitsTests: XCTestCase {
    private var fixture: TestServer!

    override func setUpWithError() throws {
        fixture = try TestServer { configuration in
            configuration.maxRequestLineBytes = 1024
            configuration.maxHeaderBytes = 4096
            configuration.maxHeaderCount = 20
            configuration.lingerTimeout = 200_000_000
        }
    }

    override func tearDown() { fixture.server.shutdown() }

    /// Sends `bytes` on a new connection and returns the answer's status, after checking the
    /// server closes the connection.
    private func refusal(_ bytes: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
        let client = try fixture.client()
        client.send(bytes)
        let response = client.readResponse()
        XCTAssertEqual(response?.header("Connection"), "close", file: file, line: line)
        XCTAssertTrue(client.readUntilClosed().closed, "the server closes after refusing", file: file, line: line)
        return response?.status
    }

    private func assertStillServes(file: StaticString = #filePath, line: UInt = #line) throws {
        let client = try fixture.client()
        client.request("GET", "/hello")
        XCTAssertEqual(client.readResponse()?.text, "hello", file: file, line: line)
    }

    func testARequestLineOverTheLimitIs414() throws {
        XCTAssertEqual(try refusal("GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: t\r\n\r\n"), 414)
        XCTAssertEqual(try refusal("GET /" + String(repeating: "a", count: 5000)), 414, "refused before the line ends")
        try assertStillServes()
    }

    func testHeadersOverTheByteLimitAre431() throws {
        let big = "X-Big: " + String(repeating: "b", count: 5000) + "\r\n"
        XCTAssertEqual(try refusal("GET /hello HTTP/1.1\r\nHost: t\r\n" + big + "\r\n"), 431)
        let many = (0..<60).map { "X-\($0): " + String(repeating: "v", count: 60) + "\r\n" }.joined()
        XCTAssertEqual(try refusal("GET /hello HTTP/1.1\r\nHost: t\r\n" + many), 431, "refused before the head ends")
        try assertStillServes()
    }

    func testMoreHeadersThanTheCountLimitAre431() throws {
        let many = (0..<21).map { "X-\($0): v\r\n" }.joined()
        XCTAssertEqual(try refusal("GET /hello HTTP/1.1\r\nHost: t\r\n" + many + "\r\n"), 431)
        let enough = (0..<19).map { "X-\($0): v\r\n" }.joined()
        let client = try fixture.client()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n" + enough + "\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testRequestsWithABodyAreRefused() throws {
        XCTAssertEqual(try refusal("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"), 413)
        XCTAssertEqual(
            try refusal("GET /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            413)
        XCTAssertEqual(try refusal("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n"), 400)
        XCTAssertEqual(try refusal("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"), 405)
        try assertStillServes()
    }

    func testMalformedRequestsAre400() throws {
        for bad in [
            "GET /hello\r\n\r\n", "GET /hello HTTP/1.1\r\nHost t\r\n\r\n", "GET /hello HTTP/1.1\r\n\r\n",
            "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n", "GET /../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n", "GET /x HTTP/1.1\r\nHost: t\r\n Folded: x\r\n\r\n",
            "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}\r\n\r\n",
        ] {
            XCTAssertEqual(try refusal(bad), 400, bad.debugDescription)
        }
        XCTAssertEqual(try refusal("GET / HTTP/2.0\r\n\r\n"), 505)
        try assertStillServes()
    }

    func testTheConnectionLimitAnswers503AndFreesTheSlotWhenAClientLeaves() throws {
        fixture.server.shutdown()
        fixture = try TestServer { $0.maxConnections = 4 }
        var clients = try (0..<4).map { _ in try fixture.client() }
        for client in clients {
            client.request("GET", "/hello")
            XCTAssertEqual(client.readResponse()?.status, 200)
        }
        let refused = try fixture.client()
        let response = try XCTUnwrap(refused.readResponse())
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.text, #"{"error":"too many connections"}"#)
        XCTAssertTrue(refused.readUntilClosed().closed)
        clients.removeLast()
        XCTAssertTrue(eventually { fixture.server.connections == 3 })
        try assertStillServes()
    }

    /// A few hundred random, mutated and truncated requests: each gets a well-formed refusal or a
    /// close (never a crash, never a success for a head that never ended), and a good client is
    /// served afterwards with every descriptor given back.
    func testFuzzedInputNeverBreaksTheServer() throws {
        let baseline = openDescriptorCount()
        var random = SeededGenerator(seed: 0x4854_5450)
        let valid = Array("GET /api/jobs/7?x=1 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n".utf8)
        let alphabet =
            Array("GET HEAD POST / ? % & = : HTTP/1.1 HTTP/1.0 \r\n\r\n\t Host: x %zz %00 .. \0 ".utf8) + [
                0xFF, 0x80, 0x7F,
            ]
        var inputs: [[UInt8]] = []
        for cut in 0..<valid.count { inputs.append(Array(valid[..<cut])) }
        for _ in 0..<150 {
            var mutated = valid
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(mutated.count))
                switch random.next() % 3 {
                case 0: mutated[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: mutated.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                default: mutated.remove(at: position)
                }
            }
            inputs.append(mutated)
        }
        for _ in 0..<150 {
            let length = Int(random.next() % 120)
            inputs.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        for input in inputs {
            let client = try fixture.client()
            client.send(input)
            client.shutdownWrite()
            let (bytes, closed) = client.readUntilClosed()
            XCTAssertTrue(closed, "not closed after \(input)")
            guard !bytes.isEmpty else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 "), "\(input) got \(text)")
            let status = Int(text.dropFirst(9).prefix(3)) ?? 0
            let headEnded =
                input.count >= 2 && (0..<(input.count - 1)).contains { input[$0] == 10 && input[$0 + 1] == 10 }
                || (0..<max(0, input.count - 3)).contains { input[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }
            if status < 400 { XCTAssertTrue(headEnded, "success for an unfinished head: \(input)") }
        }
        try assertStillServes()
        XCTAssertTrue(fixture.drained())
        XCTAssertEqual(openDescriptorCount(), baseline)
    }
}
