import TestSupport
import XCTest

@testable import Support

/// One logfmt line per event, values quoted only when they must be.
final class LoggerTests: XCTestCase {
    func testALineHasTimestampLevelComponentMessageAndFieldsInOrder() {
        let line = Logger.formatLine(
            timestamp: "2024-01-02T03:04:05.006Z", level: .info, component: "broker", message: "client connected",
            fields: ["cid": 7, "addr": "10.0.0.1:5000"])
        XCTAssertEqual(
            line,
            "ts=2024-01-02T03:04:05.006Z level=info comp=broker msg=\"client connected\" cid=7 addr=10.0.0.1:5000\n")
    }

    func testLevelsAreWrittenAsDebugInfoWarnAndError() {
        XCTAssertEqual(
            [LogLevel.debug, .info, .warning, .error].map(\.description), ["debug", "info", "warn", "error"])
        XCTAssertTrue(LogLevel.debug < .info && LogLevel.info < .warning && LogLevel.warning < .error)
    }

    func testAMessageWithoutSpacesIsNotQuoted() {
        let line = Logger.formatLine(timestamp: "t", level: .error, component: "net", message: "eof", fields: [:])
        XCTAssertEqual(line, "ts=t level=error comp=net msg=eof\n")
    }

    func testPlainValuesAreLeftAlone() {
        XCTAssertEqual(Logger.logfmtValue("abc"), "abc")
        XCTAssertEqual(Logger.logfmtValue("nats://a:4222/x"), "nats://a:4222/x")
        XCTAssertEqual(Logger.logfmtValue("back\\slash"), "back\\slash")
        XCTAssertEqual(Logger.logfmtValue("é"), "é")
    }

    func testEmptyValuesAndValuesWithSpacesQuotesOrEqualsAreQuoted() {
        XCTAssertEqual(Logger.logfmtValue(""), "\"\"")
        XCTAssertEqual(Logger.logfmtValue("a b"), "\"a b\"")
        XCTAssertEqual(Logger.logfmtValue("a=b"), "\"a=b\"")
        XCTAssertEqual(Logger.logfmtValue("say \"hi\""), #""say \"hi\"""#)
    }

    func testBackslashesInsideQuotedValuesAreEscaped() {
        XCTAssertEqual(Logger.logfmtValue("C:\\dir name"), #""C:\\dir name""#)
    }

    func testControlCharactersAreEscapedSoALineStaysOneLine() {
        XCTAssertEqual(Logger.logfmtValue("a\nb"), #""a\nb""#)
        XCTAssertEqual(Logger.logfmtValue("a\rb\tc"), #""a\rb\tc""#)
        XCTAssertEqual(Logger.logfmtValue("bell\u{7}"), #""bell\u{7}""#)
        XCTAssertEqual(Logger.logfmtValue("\u{1b}[31m"), #""\u{1b}[31m""#)
        let line = Logger.formatLine(
            timestamp: "t", level: .warning, component: "c", message: "multi\nline", fields: ["k": "x\ny"])
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1)
    }

    func testTheTimestampIsUtcRfc3339WithMilliseconds() {
        let timestamp = Logger.timestampNow()
        let characters = Array(timestamp)
        XCTAssertEqual(characters.count, 24, timestamp)
        XCTAssertEqual(characters[4], "-")
        XCTAssertEqual(characters[10], "T")
        XCTAssertEqual(characters[19], ".")
        XCTAssertEqual(characters[23], "Z")
    }

    func testASinkDropsLinesBelowItsMinimumLevel() {
        let sink = LogSink(minimumLevel: .warning)
        XCTAssertFalse(sink.accepts(.info))
        XCTAssertTrue(sink.accepts(.warning))
        sink.setMinimumLevel(.debug)
        XCTAssertTrue(sink.accepts(.debug))
        XCTAssertEqual(sink.minimumLevel, .debug)
    }

    func testAFileSinkAppendsOneLinePerEvent() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/ffrtmp.log"
        try directory.write("ffrtmp.log", "earlier\n")
        let logger = Logger(component: "test", sink: try LogSink(path: path, minimumLevel: .info))
        logger.debug("dropped")
        logger.info("kept one", ["n": 1])
        logger.error("kept two")
        let text = try ConfigFile.readText(path)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, text)
        XCTAssertEqual(lines[0], "earlier")
        XCTAssertTrue(lines[1].hasSuffix("level=info comp=test msg=\"kept one\" n=1"), String(lines[1]))
        XCTAssertTrue(lines[2].hasSuffix("level=error comp=test msg=\"kept two\""), String(lines[2]))
    }

    func testAFileSinkThatCannotOpenNamesThePath() {
        assertThrows("cannot open log file /nonexistent-dir/x.log: No such file or directory") {
            () throws(SupportError) in try LogSink(path: "/nonexistent-dir/x.log")
        }
    }
}
