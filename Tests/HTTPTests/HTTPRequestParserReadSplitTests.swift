import XCTest

@testable import HTTP

/// Where a connection's reads end must not change what the parser answers (findings of the fuzz target
/// `http-request`, Tests/Fuzz/findings/http-request/): a CR that ends a read may be half of a CRLF.
final class HTTPRequestParserReadSplitTests: XCTestCase {
    private let limits = HTTPRequestParser(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 4)

    /// The parser's answer for `text` given whole, and the one after the input grew byte by byte
    /// (each prefix parsed, as a connection does after every read), up to the first answer that is not
    /// `needMore`.
    private func answers(_ text: String) -> (whole: HTTPRequestParser.Result, split: HTTPRequestParser.Result) {
        let bytes = Array(text.utf8)
        var wholeParser = limits
        let whole = bytes.withUnsafeBytes { wholeParser.parse($0) }
        var splitParser = limits
        var split = HTTPRequestParser.Result.needMore
        for end in 1...bytes.count where split == .needMore {
            split = Array(bytes[..<end]).withUnsafeBytes { splitParser.parse($0) }
        }
        return (whole, split)
    }

    private func requestLine(length: Int) -> String {
        let target = "/" + String(repeating: "a", count: length - "GET / HTTP/1.1".utf8.count)
        return "GET \(target) HTTP/1.1"
    }

    func testARequestLineExactlyAtTheLimitIsAcceptedWhenItsCarriageReturnEndsARead() {
        let text = requestLine(length: 64) + "\r\nHost: h\r\n\r\n"
        let (whole, split) = answers(text)
        guard case .head(let head, _) = whole else { return XCTFail("refused whole: \(whole)") }
        XCTAssertEqual(head.target.utf8.count, 64 - "GET  HTTP/1.1".utf8.count)
        XCTAssertEqual(split, whole)
    }

    func testARequestLineOneByteOverTheLimitIsRefusedHoweverItIsRead() {
        let (whole, split) = answers(requestLine(length: 65) + "\r\nHost: h\r\n\r\n")
        XCTAssertEqual(whole, .failure(.requestLineTooLong))
        XCTAssertEqual(split, .failure(.requestLineTooLong))
    }

    func testAHeaderSectionExactlyAtTheLimitIsAcceptedWhenTheFinalCarriageReturnEndsARead() {
        let line = "X-Fill: "
        let fill = String(repeating: "f", count: 256 - "Host: h\r\n".utf8.count - line.utf8.count - 2)
        let text = "GET / HTTP/1.1\r\nHost: h\r\n\(line)\(fill)\r\n\r\n"
        let (whole, split) = answers(text)
        guard case .head(let head, let consumed) = whole else { return XCTFail("refused whole: \(whole)") }
        XCTAssertEqual(head.headers["x-fill"], fill)
        XCTAssertEqual(consumed, text.utf8.count)
        XCTAssertEqual(split, whole)
    }

    func testARequestLineEndingInARunOfCarriageReturnsIsMalformedHoweverItIsRead() {
        let text = requestLine(length: 60) + "\r\r\r\r\r\n\r\n"
        let (whole, split) = answers(text)
        XCTAssertEqual(whole, .failure(.malformedRequestLine))
        XCTAssertEqual(split, .failure(.malformedRequestLine))
    }
}
