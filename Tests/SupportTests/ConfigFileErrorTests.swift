import XCTest

@testable import Support

/// Syntax errors name the file, line and column, what was expected and what was found.
final class ConfigFileErrorTests: XCTestCase {
    func testTextWithSpacesMustBeQuoted() {
        assertConfigError(
            "server_name: my server\n",
            "test.conf:1:17: expected a line break, ',' or ';' after the value of server_name, got 'server'"
                + " (put text with spaces in quotes)")
        assertConfigError(
            "b { a: x y }",
            "test.conf:1:10: expected a line break, ',', ';' or '}' after the value of b.a, got 'y'"
                + " (put text with spaces in quotes)")
    }

    func testAMissingValueAfterASeparatorIsReportedOnItsLine() {
        assertConfigError("a: 1\nport:\nb: 2", "test.conf:2:6: expected a value for port, got end of line")
        assertConfigError("port =", "test.conf:1:7: expected a value for port, got end of file")
    }

    func testAnUnclosedBlockNamesTheLineThatOpenedIt() {
        assertConfigError(
            "a: 1\ncluster {\n  port: 6222\n",
            "test.conf:4:1: expected '}' to close the block opened at line 2, got end of file")
    }

    func testAnUnclosedArrayNamesTheLineThatOpenedIt() {
        assertConfigError(
            "routes: [\n  a,\n  b\n", "test.conf:4:1: expected ']' to close the array opened at line 1, got end of file"
        )
    }

    func testAStrayClosingBraceOrBracketIsRefused() {
        assertConfigError("a: 1\n}", "test.conf:2:1: found '}' but no block is open")
        assertConfigError("a: 1\n]", "test.conf:2:1: found ']' but no array is open")
        assertConfigError(
            "b { a: 1 ]", "test.conf:1:10: expected a line break, ',', ';' or '}' after the value of b.a, got ']'")
        assertConfigError(
            "b {\n]", "test.conf:2:1: expected a key or '}' to close the block opened at line 1, got ']'")
    }

    func testArrayElementsNeedSeparators() {
        assertConfigError("routes: [a b]", "test.conf:1:12: expected ',' or ']' after routes[0], got 'b'")
        assertConfigError("routes: [a, , b]", "test.conf:1:13: expected a value for routes[1], got ','")
    }

    func testAnUnterminatedStringPointsAtItsOpeningQuote() {
        assertConfigError(
            "a: 1\nb: \"open\nc: 2\n", "test.conf:2:4: unterminated string: no closing \" for the one here")
        assertConfigError("b: 'open", "test.conf:1:4: unterminated string: no closing ' for the one here")
    }

    func testAnUnknownEscapeIsReportedWithTheEscapesThatExist() {
        assertConfigError(
            #"a: "x\qy""#,
            #"test.conf:1:6: unknown escape \q (known: \" \\ \/ \n \t \r \b \f \xHH \uXXXX)"#)
    }

    func testMalformedHexAndUnicodeEscapesAreRefused() {
        assertConfigError(#"a: "\x4""#, #"test.conf:1:5: expected two hex digits after \x"#)
        assertConfigError(#"a: "\u12""#, #"test.conf:1:5: expected four hex digits after \u"#)
        assertConfigError(
            #"a: "\ud83d""#, #"test.conf:1:5: \u escape is half of a surrogate pair; the low half must follow"#)
        assertConfigError(#"a: "\ud83d\u0041""#, #"test.conf:1:5: expected \uDC00 to \uDFFF to end the surrogate pair"#)
        assertConfigError(#"a: "\udc00""#, #"test.conf:1:5: \u escape names no character (a lone surrogate?)"#)
        assertConfigError(#"a: "\xff""#, #"test.conf:1:4: string is not valid UTF-8 once its \x escapes are applied"#)
    }

    func testNumbersThatDoNotFitAreRefusedNotWrapped() {
        assertConfigError(
            "a: 99999999999999999999", "test.conf:1:4: 99999999999999999999 does not fit in a 64-bit integer")
        assertConfigError("a: 9999999999999TB", "test.conf:1:4: 9999999999999TB does not fit in a 64-bit integer")
        assertConfigError("a: 1e999", "test.conf:1:4: 1e999 is too large for a number")
    }

    func testAMissingKeyIsReported() {
        assertConfigError("a: 1\n: 2", "test.conf:2:1: expected a key, got ':'")
        assertConfigError("= 2", "test.conf:1:1: expected a key, got '='")
    }

    func testTheFileNameGivenToParseAppearsInErrors() {
        XCTAssertEqual(
            ConfigTestSupport.errorMessage("a: [", fileName: "/etc/ffrtmp/broker.conf"),
            "/etc/ffrtmp/broker.conf:1:5: expected ']' to close the array opened at line 1, got end of file")
    }

    func testDeepNestingIsRefusedInsteadOfOverflowingTheStack() {
        let deep = "a: " + String(repeating: "[", count: 100_000)
        XCTAssertEqual(
            ConfigTestSupport.errorMessage(deep), "test.conf:1:104: blocks and arrays nest deeper than 100 levels")
        let blocks = String(repeating: "a {", count: 5_000)
        XCTAssertNotNil(ConfigTestSupport.errorMessage(blocks))
        let fine = "a: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNil(ConfigTestSupport.errorMessage(fine))
    }

    func testLinesAreCountedAcrossMultiLineStringsAndComments() {
        assertConfigError(
            "# one\na: \"two\nthree\"\n// four\nb: [",
            "test.conf:5:5: expected ']' to close the array opened at line 5, got end of file")
    }
}
