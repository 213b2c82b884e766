import Net
import XCTest

@testable import HTTP

final class HTTPResponseEncoderTests: XCTestCase {
    private func encode(
        _ response: HTTPResponse, omitBody: Bool = false,
        persistence: HTTPResponseEncoder.Persistence = .keepAlive(announce: false)
    ) -> String {
        let buffer = ByteBuffer()
        guard case .bytes(let body) = response.body else { return "" }
        HTTPResponseEncoder.appendResponse(
            status: response.status, headers: response.headers, body: body, omitBody: omitBody,
            persistence: persistence, date: "Sun, 06 Nov 1994 08:49:37 GMT", serverName: "test/1", to: buffer)
        return String(decoding: buffer.readableArray(), as: UTF8.self)
    }

    func testAResponseCarriesDateServerLengthAndTheHandlersHeaders() {
        XCTAssertEqual(
            encode(.json("{}")),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: test/1\r\nContent-Length: 2\r\n"
                + "Content-Type: application/json\r\n\r\n{}")
    }

    func testHeadKeepsTheLengthButDropsTheBody() {
        XCTAssertTrue(
            encode(.text("hello"), omitBody: true).hasSuffix(
                "Content-Length: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"))
    }

    func testConnectionHeaderFollowsPersistence() {
        XCTAssertTrue(encode(.text("x"), persistence: .close).contains("\r\nConnection: close\r\n"))
        XCTAssertTrue(
            encode(.text("x"), persistence: .keepAlive(announce: true)).contains("\r\nConnection: keep-alive\r\n"))
        XCTAssertFalse(encode(.text("x")).contains("Connection"))
    }

    func testHandlerValuesForServerOwnedHeadersAreIgnoredAndLineBreaksNeutralised() {
        let response = HTTPResponse(
            headers: [
                "Content-Length": "999", "connection": "close", "X-Evil": "a\r\nSet-Cookie: b", "Bad Name": "x",
                "Transfer-Encoding": "chunked",
            ], body: Array("abc".utf8))
        let text = encode(response)
        XCTAssertTrue(text.contains("Content-Length: 3\r\n"))
        XCTAssertFalse(text.contains("999"))
        XCTAssertFalse(text.contains("Connection"))
        XCTAssertFalse(text.contains("chunked"))
        XCTAssertFalse(text.contains("Bad Name"))
        XCTAssertTrue(text.contains("X-Evil: a  Set-Cookie: b\r\n"))
    }

    func testMethodNotAllowedNamesTheAllowedMethods() {
        XCTAssertTrue(encode(.error(.methodNotAllowed, "method not allowed")).contains("\r\nAllow: GET, HEAD\r\n"))
    }

    func testNoContentHasNeitherLengthNorBody() {
        let text = encode(HTTPResponse(status: .noContent, body: Array("ignored".utf8)))
        XCTAssertFalse(text.contains("Content-Length"))
        XCTAssertTrue(text.hasSuffix("\r\n\r\n"))
    }

    func testErrorBodiesAreJSONWithTheMessageEscaped() {
        guard case .bytes(let body) = HTTPResponse.error(.badRequest, "bad \"x\"\n\u{01}").body else {
            return XCTFail()
        }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), #"{"error":"bad \"x\"\n\u0001"}"#)
    }

    func testDatesAreIMFFixdate() {
        XCTAssertEqual(HTTPDate.format(secondsSinceEpoch: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(secondsSinceEpoch: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    func testEventsSplitDataIntoLinesAndKeepFieldsOnOneLine() {
        let encoded = ServerSentEvent.encode(event: "job\nupdate", data: "a\nb\r\nc\rd", id: "7")
        XCTAssertEqual(
            String(decoding: encoded, as: UTF8.self), "id: 7\nevent: job update\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
        )
        XCTAssertEqual(
            String(decoding: ServerSentEvent.encode(event: nil, data: "", id: nil), as: UTF8.self), "data: \n\n")
        XCTAssertEqual(String(decoding: ServerSentEvent.comment("heartbeat"), as: UTF8.self), ":heartbeat\n\n")
    }
}
