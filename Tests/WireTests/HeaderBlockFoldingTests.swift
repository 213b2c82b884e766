import Wire
import XCTest

/// Folded (obs-fold) lines and blank trimming: a parsed block encodes to bytes that parse back to
/// the same block (findings of the fuzz target `header-block`, Tests/Fuzz/findings/header-block/).
final class HeaderBlockFoldingTests: XCTestCase {
    /// Parses `text`, then checks that encoding and parsing again gives the same block.
    private func parseStably(_ text: String) throws -> HeaderBlock {
        let block = try HeaderBlock.parse(Array(text.utf8))
        XCTAssertEqual(try HeaderBlock.parse(block.encoded()), block, "\(text.debugDescription) is not stable")
        return block
    }

    func testABlankFoldedLineAddsNothingToTheValue() throws {
        let block = try parseStably("NATS/1.0\r\nNats-Pending-Bytes: 0\r\n\t\r\n\r\n")
        XCTAssertEqual(block["Nats-Pending-Bytes"], "0")
    }

    func testAValueFoldedIntoAnEmptyOneStartsWithoutABlank() throws {
        let block = try parseStably("NATS/1.0\r\nA:\r\n x\r\n\r\n")
        XCTAssertEqual(block["A"], "x")
    }

    func testFoldedLinesJoinWithOneSpaceAndLoseTheirOuterBlanks() throws {
        let block = try parseStably("NATS/1.0\r\nA: one \r\n \t two\t\r\n\tthree\r\n\r\n")
        XCTAssertEqual(block["A"], "one two three")
    }

    func testABlankBeforeACombiningMarkIsTrimmedFromAValue() throws {
        let block = try parseStably("NATS/1.0\r\nA: \u{301}x\r\n\r\n")
        XCTAssertEqual(block["A"], "\u{301}x")
        XCTAssertEqual(try parseStably("NATS/1.0\r\nA:\u{301}x\r\n\r\n")["A"], "\u{301}x")
    }

    func testABlankBeforeACombiningMarkIsTrimmedFromAStatusDescription() throws {
        let block = try parseStably("NATS/1.0 404 \u{610}gone\r\n\r\n")
        XCTAssertEqual(block.status, 404)
        XCTAssertEqual(block.statusDescription, "\u{610}gone")
    }

    func testTheCommandLineFormTrimsABlankBeforeACombiningMark() throws {
        var block = HeaderBlock()
        try block.append(line: "A: \u{301}x ")
        XCTAssertEqual(block["A"], "\u{301}x")
    }
}
