import Console
import XCTest

/// Aligned tables and properly quoted CSV.
final class TextTableAndCSVTests: XCTestCase {
    func testColumnsAlignNumbersToTheRightAndEmptyCellsShowADash() {
        var table = TextTable([.init("JOB"), .init("FRAMES", alignRight: true), .init("NOTE", maximumWidth: 8)])
        table.add(["a", "300", "short"])
        table.add(["longer-job", "7", "a much longer note"])
        table.add(["c"])
        XCTAssertEqual(
            table.text,
            """
            JOB         FRAMES  NOTE
            a              300  short
            longer-job       7  a much …
            c                -  -

            """)
    }

    func testLineBreaksInACellDoNotBreakTheTable() {
        var table = TextTable([.init("A"), .init("B")])
        table.add(["x\ny", "z"])
        XCTAssertEqual(table.text, "A    B\nx y  z\n")
    }

    func testCSVQuotesFieldsThatNeedItAndDoublesQuotes() {
        XCTAssertEqual(
            CSV.line(["plain", "a,b", "say \"hi\"", "two\nlines", " padded", "", "1.5"]),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",,1.5\n")
        XCTAssertEqual(CSV.text(header: ["a", "b"], rows: [["1", "2"], ["3", "4"]]), "a,b\n1,2\n3,4\n")
    }
}
