import XCTest

@testable import HTTP

final class HTTPRequestParserTests: XCTestCase {
    private func parser(requestLine: Int = 8192, headerBytes: Int = 16384, headerCount: Int = 100) -> HTTPRequestParser
    {
        HTTPRequestParser(maxRequestLineBytes: requestLine, maxHeaderBytes: headerBytes, maxHeaderCount: headerCount)
    }

    private func parse(_ text: String, _ parser: HTTPRequestParser? = nil) -> HTTPRequestParser.Result {
        var parser = parser ?? self.parser()
        return Array(text.utf8).withUnsafeBytes { parser.parse($0) }
    }

    private func failure(_ text: String, _ parser: HTTPRequestParser? = nil) -> HTTPRequestError? {
        if case .failure(let error) = parse(text, parser) { return error }
        return nil
    }

    func testAWholeHeadGivesMethodTargetVersionHeadersAndItsLength() {
        let text = "GET /api/jobs?state=running HTTP/1.1\r\nHost: example\r\nAccept:  */* \r\n\r\nGET /next"
        guard case .head(let head, let consumed) = parse(text) else { return XCTFail("no head") }
        XCTAssertEqual(head.method, "GET")
        XCTAssertEqual(head.target, "/api/jobs?state=running")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers["host"], "example")
        XCTAssertEqual(head.headers["ACCEPT"], "*/*")
        XCTAssertEqual(consumed, text.utf8.count - "GET /next".utf8.count)
    }

    func testAHeadCutAtEveryOffsetParsesTheSameOnceWhole() {
        let bytes = Array("GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nX-One: 1\r\nX-Two: two\r\n\r\n".utf8)
        var reference = parser()
        guard case .head(let expected, _) = bytes.withUnsafeBytes({ reference.parse($0) }) else {
            return XCTFail("no head")
        }
        for cut in 1..<bytes.count {
            var parser = parser()
            let first = Array(bytes[..<cut]).withUnsafeBytes { parser.parse($0) }
            XCTAssertEqual(first, .needMore, "cut at \(cut)")
            let whole = bytes.withUnsafeBytes { parser.parse($0) }
            XCTAssertEqual(whole, .head(expected, consumed: bytes.count), "cut at \(cut)")
        }
    }

    func testAHeadArrivingByteByByteIsFoundOnceItEnds() {
        let bytes = Array("GET / HTTP/1.0\nUser-Agent: lf-only\n\n".utf8)
        var parser = parser()
        for end in 1..<bytes.count {
            XCTAssertEqual(Array(bytes[..<end]).withUnsafeBytes { parser.parse($0) }, .needMore)
        }
        guard case .head(let head, let consumed) = bytes.withUnsafeBytes({ parser.parse($0) }) else {
            return XCTFail("no head")
        }
        XCTAssertEqual(head.version, .http1_0)
        XCTAssertEqual(head.headers["user-agent"], "lf-only")
        XCTAssertEqual(consumed, bytes.count)
    }

    func testAFewEmptyLinesBeforeTheRequestLineAreSkipped() {
        guard case .head(let head, _) = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") else { return XCTFail() }
        XCTAssertEqual(head.target, "/")
        XCTAssertEqual(failure(String(repeating: "\r\n", count: 10) + "GET / HTTP/1.1\r\n\r\n"), .malformedRequestLine)
    }

    func testMalformedRequestLinesAreRefused() {
        for line in [
            "GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET / http/1.1", "GET / HTTP/1",
            "GET / HTTP/1.1x", "GE(T / HTTP/1.1", "GET /\u{7F} HTTP/1.1", "GET /a\u{01}b HTTP/1.1", "GET /é HTTP/1.1",
            "GET\t/ HTTP/1.1", "/ HTTP/1.1", "GET / HTTP/A.1",
        ] {
            XCTAssertEqual(failure(line + "\r\nHost: h\r\n\r\n"), .malformedRequestLine, line)
        }
    }

    func testVersionsOtherThanOneAreUnsupported() {
        XCTAssertEqual(failure("GET / HTTP/2.0\r\n\r\n"), .unsupportedVersion)
        XCTAssertEqual(failure("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), .unsupportedVersion)
        XCTAssertEqual(failure("GET / HTTP/0.9\r\n\r\n"), .unsupportedVersion)
        guard case .head(let head, _) = parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n") else { return XCTFail() }
        XCTAssertEqual(head.version, HTTPVersion(major: 1, minor: 7))
    }

    func testMalformedHeaderLinesAreRefused() {
        for line in [
            "NoColon", ": empty-name", "Space Name: x", "Name : space-before-colon", " Folded: x", "\tTabbed: x",
            "Bad\u{01}: x", "X: a\u{00}b", "X: a\rb", "X: a\u{7F}",
        ] {
            XCTAssertEqual(failure("GET / HTTP/1.1\r\nHost: h\r\n\(line)\r\n\r\n"), .malformedHeader, line)
        }
    }

    func testAContinuationLineIsRefusedRatherThanFolded() {
        XCTAssertEqual(failure("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n"), .malformedHeader)
    }

    func testALongRequestLineIsRefusedBeforeItEnds() {
        let parser = parser(requestLine: 100)
        XCTAssertEqual(failure("GET /" + String(repeating: "a", count: 200), parser), .requestLineTooLong)
        XCTAssertEqual(
            failure("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n", parser), .requestLineTooLong)
        XCTAssertEqual(parse("GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\n", parser), .needMore)
    }

    func testHeaderBytesAndCountAreBounded() {
        let small = parser(headerBytes: 300, headerCount: 5)
        XCTAssertEqual(
            failure("GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 400), small), .headersTooLarge)
        XCTAssertEqual(
            failure("GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 400) + "\r\n\r\n", small), .headersTooLarge)
        let many = (0..<6).map { "X-\($0): v\r\n" }.joined()
        XCTAssertEqual(failure("GET / HTTP/1.1\r\n" + many + "\r\n", small), .tooManyHeaders)
        let five = (0..<5).map { "X-\($0): v\r\n" }.joined()
        guard case .head(let head, _) = parse("GET / HTTP/1.1\r\n" + five + "\r\n", small) else { return XCTFail() }
        XCTAssertEqual(head.headers.count, 5)
    }

    func testResetStartsTheNextHeadAfresh() {
        var parser = parser()
        let first = Array("GET /one HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        guard case .head(_, let consumed) = first.withUnsafeBytes({ parser.parse($0) }) else { return XCTFail() }
        parser.reset()
        XCTAssertFalse(parser.hasPartialHead)
        let second = Array("GET /two HTTP/1.1\r\n".utf8)
        XCTAssertEqual(second.withUnsafeBytes { parser.parse($0) }, .needMore)
        XCTAssertTrue(parser.hasPartialHead)
        XCTAssertEqual(consumed, first.count)
    }
}
