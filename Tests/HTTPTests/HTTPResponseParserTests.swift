import XCTest

@testable import HTTP

/// The response parser, fed whole and cut at every offset.
final class HTTPResponseParserTests: XCTestCase {
    /// Parses `text` fed in two pieces cut at every offset (and whole); every cut must agree.
    private func parse(_ text: String, limit: Int = 1 << 20, closeAtEnd: Bool = false) throws -> HTTPReceivedResponse {
        let bytes = Array(text.utf8)
        var first: HTTPReceivedResponse?
        for cut in 0...bytes.count {
            var parser = HTTPResponseParser(maximumBodyBytes: limit)
            var response = try parser.consume(bytes[..<cut])
            if response == nil { response = try parser.consume(bytes[cut...]) }
            if response == nil && closeAtEnd { response = try parser.finish() }
            let parsed = try XCTUnwrap(response, "incomplete when cut at \(cut)")
            if let first { XCTAssertEqual(parsed, first, "cut at \(cut)") } else { first = parsed }
        }
        return try XCTUnwrap(first)
    }

    func testContentLengthHeadersAndReason() throws {
        let response = try parse("HTTP/1.1 201 Created Here\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 3\r\n\r\nabcEXTRA")
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.reason, "Created Here")
        XCTAssertEqual(response.header("X-A"), "1, 2")
        XCTAssertEqual(response.text, "abc", "bytes after the body are not part of it")
    }

    func testChunksWithExtensionsAndTrailers() throws {
        let response = try parse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4;name=x\r\nWiki\r\n5\r\npedia\r\nA\r\n in chunks\r\n"
                + "0\r\nExpires: never\r\n\r\n")
        XCTAssertEqual(response.text, "Wikipedia in chunks")
    }

    func testBareLineFeedsAreAccepted() throws {
        XCTAssertEqual(try parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok").text, "ok")
    }

    func testInterimResponsesAreSkippedAndEmptyStatusesHaveNoBody() throws {
        let response = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")
        XCTAssertEqual(response.status, 204)
        XCTAssertEqual(response.body, [])
    }

    func testABodyFramedByTheCloseEndsAtFinish() throws {
        XCTAssertEqual(try parse("HTTP/1.0 200 OK\r\n\r\nuntil the end", closeAtEnd: true).text, "until the end")
    }

    func testAnEarlyCloseSaysWhereTheResponseStopped() throws {
        let cases: [(String, String)] = [
            ("HTTP/1.1 200 OK\r\nContent-Le", "in the middle of the headers"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1234", "after 4 of 10 body bytes"),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                "in the middle of a chunked body (2 bytes so far)"
            ),
            ("", "no response at all"),
        ]
        for (text, detail) in cases {
            var parser = HTTPResponseParser(maximumBodyBytes: 1000)
            XCTAssertNil(try parser.consume(Array(text.utf8)))
            XCTAssertThrowsError(try parser.finish()) { XCTAssertEqual($0 as? HTTPGetError, .closedEarly(detail)) }
        }
    }

    func testMalformedResponsesAreRefused() {
        let cases = [
            "SSH-2.0-OpenSSH_9.6\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        ]
        for text in cases {
            var parser = HTTPResponseParser(maximumBodyBytes: 1000)
            XCTAssertThrowsError(try parser.consume(Array(text.utf8)), text) { error in
                guard case .malformed = error as? HTTPGetError else { return XCTFail("\(error) for \(text)") }
            }
        }
    }

    func testBodiesAndHeadersOverTheirLimitsAreRefused() {
        var parser = HTTPResponseParser(maximumBodyBytes: 10)
        XCTAssertThrowsError(try parser.consume(Array("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n".utf8))) {
            XCTAssertEqual($0 as? HTTPGetError, .tooLarge(limit: 10))
        }
        var chunked = HTTPResponseParser(maximumBodyBytes: 10)
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n"
        XCTAssertThrowsError(try chunked.consume(Array(text.utf8))) {
            XCTAssertEqual($0 as? HTTPGetError, .tooLarge(limit: 10))
        }
        var endless = HTTPResponseParser(maximumBodyBytes: 10)
        let header = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 70_000)
        XCTAssertThrowsError(try endless.consume(Array(header.utf8))) { error in
            guard case .malformed = error as? HTTPGetError else { return XCTFail("\(error)") }
        }
    }
}
