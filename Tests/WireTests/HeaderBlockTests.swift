import Wire
import XCTest

/// Header blocks: parsing, encoding, lookups and validation.
final class HeaderBlockTests: XCTestCase {
    func testAHeaderBlockRoundTripsWithOrderCaseAndRepeatedNames() throws {
        var block = HeaderBlock()
        try block.append(name: "Nats-Msg-Id", value: "job-1")
        try block.append(name: "X-Trace", value: "a")
        try block.append(name: "x-trace", value: "b")
        let bytes = block.encoded()
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "NATS/1.0\r\nNats-Msg-Id: job-1\r\nX-Trace: a\r\nx-trace: b\r\n\r\n")
        XCTAssertEqual(block.encodedCount, bytes.count)
        let parsed = try HeaderBlock.parse(bytes)
        XCTAssertEqual(parsed, block)
        XCTAssertEqual(parsed["NATS-MSG-ID"], "job-1")
        XCTAssertEqual(parsed.values(named: "X-TRACE"), ["a", "b"])
        XCTAssertNil(parsed["missing"])
    }

    func testTheNoRespondersStatusLineParsesAndEncodes() throws {
        let parsed = try HeaderBlock.parse(Array("NATS/1.0 503\r\n\r\n".utf8))
        XCTAssertEqual(parsed.status, 503)
        XCTAssertEqual(parsed.statusDescription, "")
        XCTAssertTrue(parsed.fields.isEmpty)
        XCTAssertEqual(HeaderBlock.noResponders.encoded(), Array("NATS/1.0 503\r\n\r\n".utf8))
        XCTAssertEqual(HeaderBlock.noResponders.encodedCount, 16)
    }

    func testAStatusWithADescriptionAndFieldsRoundTrips() throws {
        var block = HeaderBlock(status: 404, description: "No Messages")
        try block.set(name: "Nats-Pending-Messages", value: "0")
        let text = "NATS/1.0 404 No Messages\r\nNats-Pending-Messages: 0\r\n\r\n"
        XCTAssertEqual(String(decoding: block.encoded(), as: UTF8.self), text)
        XCTAssertEqual(try HeaderBlock.parse(Array(text.utf8)), block)
        XCTAssertEqual(block.encodedCount, text.utf8.count)
    }

    func testParsingToleratesLoneLineFeedsMissingFinalLineAndExtraSpaces() throws {
        let parsed = try HeaderBlock.parse(Array("NATS/1.0  408  Request Timeout\nA:1\r\nB :  two words \r\n".utf8))
        XCTAssertEqual(parsed.status, 408)
        XCTAssertEqual(parsed.statusDescription, "Request Timeout")
        XCTAssertEqual(parsed.fields, [.init(name: "A", value: "1"), .init(name: "B", value: "two words")])
    }

    func testAFoldedLineContinuesThePreviousValue() throws {
        let parsed = try HeaderBlock.parse(Array("NATS/1.0\r\nA: one\r\n  two\r\n\r\n".utf8))
        XCTAssertEqual(parsed["a"], "one two")
    }

    func testSetReplacesEveryFieldOfThatNameAndRemoveAllDeletesThem() throws {
        var block = HeaderBlock()
        try block.append(name: "A", value: "1")
        try block.append(name: "a", value: "2")
        try block.append(name: "B", value: "3")
        try block.set(name: "A", value: "9")
        XCTAssertEqual(block.fields, [.init(name: "B", value: "3"), .init(name: "A", value: "9")])
        block.removeAll(named: "b")
        XCTAssertEqual(block.fields, [.init(name: "A", value: "9")])
    }

    func testTheCommandLineFormNameColonValueIsAccepted() throws {
        var block = HeaderBlock()
        try block.append(line: "Key:value")
        try block.append(line: "Other: spaced value ")
        XCTAssertEqual(block.fields, [.init(name: "Key", value: "value"), .init(name: "Other", value: "spaced value")])
        XCTAssertThrowsError(try block.append(line: "no colon"))
    }

    func testInvalidNamesAndValuesAreRefused() {
        var block = HeaderBlock()
        XCTAssertThrowsError(try block.append(name: "", value: "x"))
        XCTAssertThrowsError(try block.append(name: "with space", value: "x"))
        XCTAssertThrowsError(try block.append(name: "colon:", value: "x"))
        XCTAssertThrowsError(try block.append(name: "A", value: "line\r\nbreak"))
        XCTAssertTrue(block.isEmpty)
    }

    func testMalformedBlocksAreRejected() {
        let malformed = [
            "", "HTTP/1.1 200\r\n\r\n", "NATS/1.0 5\r\n\r\n", "NATS/1.0 abc\r\n\r\n",
            "NATS/1.0\r\nnocolon\r\n\r\n", "NATS/1.0\r\n leading fold\r\n\r\n",
        ]
        for text in malformed {
            XCTAssertThrowsError(try HeaderBlock.parse(Array(text.utf8)), text.debugDescription)
        }
    }
}
