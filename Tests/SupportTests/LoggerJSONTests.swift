import Foundation
import TestSupport
import XCTest

@testable import Support

/// `--log-format json`: each event one line holding one valid JSON object, everything escaped.
final class LoggerJSONTests: XCTestCase {
    private func object(_ line: String) throws -> [String: Any] {
        XCTAssertTrue(line.hasSuffix("\n"))
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one line per event")
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(parsed as? [String: Any])
    }

    func testALineIsOneJSONObjectWithTimestampLevelComponentMessageAndFields() throws {
        let line = Logger.formatJSONLine(
            timestamp: "2024-01-02T03:04:05.006Z", level: .warning, component: "broker", message: "client connected",
            fields: ["cid": 7, "addr": "10.0.0.1:5000", "ratio": 0.5, "tls": true])
        XCTAssertEqual(
            line,
            #"{"ts":"2024-01-02T03:04:05.006Z","level":"warn","comp":"broker","msg":"client connected","cid":7,"#
                + #""addr":"10.0.0.1:5000","ratio":0.5,"tls":true}"# + "\n")
        let parsed = try object(line)
        XCTAssertEqual(parsed["cid"] as? Int, 7)
        XCTAssertEqual(parsed["level"] as? String, "warn")
    }

    func testQuotesBackslashesNewlinesAndControlCharactersAreEscaped() throws {
        let hostile = "say \"hi\"\\ \n\r\t\u{0}\u{1b}[31m é ✓ \u{7f}"
        let line = Logger.formatJSONLine(
            timestamp: "t", level: .error, component: "agent", message: hostile, fields: [hostile: hostile])
        let parsed = try object(line)
        XCTAssertEqual(parsed["msg"] as? String, hostile)
        XCTAssertEqual(parsed[hostile] as? String, hostile)
        XCTAssertTrue(line.contains(#"\u0000"#) && line.contains(#"\u001b"#) && line.contains(#"\n"#))
    }

    func testNonFiniteNumbersAndOtherValuesBecomeStrings() throws {
        struct Opaque: CustomStringConvertible { var description: String { "opaque {x}" } }
        let line = Logger.formatJSONLine(
            timestamp: "t", level: .info, component: "c", message: "m",
            fields: ["nan": Double.nan, "inf": -Double.infinity, "thing": Opaque(), "big": UInt64.max])
        let parsed = try object(line)
        XCTAssertEqual(parsed["nan"] as? String, "nan")
        XCTAssertEqual(parsed["inf"] as? String, "-inf")
        XCTAssertEqual(parsed["thing"] as? String, "opaque {x}")
        XCTAssertTrue(line.contains(#""big":18446744073709551615"#))
    }

    func testASinkSetToJSONWritesJSONLines() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/json.log"
        defer { unlink(path) }
        let sink = try LogSink(path: path, minimumLevel: .debug, format: .json)
        Logger(component: "test", sink: sink).debug("hello \"world\"", ["n": 1])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parsed = try object(text)
        XCTAssertEqual(parsed["msg"] as? String, "hello \"world\"")
        XCTAssertEqual(parsed["level"] as? String, "debug")
    }

    func testReopenWritesToTheNewFileAfterTheOldOneWasMovedAway() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/part.log"
        defer { for name in ["part.log", "part.log.1"] { unlink(folder.path + "/" + name) } }
        let sink = try LogSink(path: path)
        let logger = Logger(component: "test", sink: sink)
        logger.info("before rotation")
        XCTAssertEqual(rename(path, path + ".1"), 0)
        logger.info("still to the moved file")
        try sink.reopen()
        logger.info("after rotation")
        let old = try String(contentsOfFile: path + ".1", encoding: .utf8)
        let new = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(old.contains("before rotation") && old.contains("still to the moved file"), old)
        XCTAssertFalse(old.contains("after rotation"))
        XCTAssertTrue(new.contains("after rotation"), new)
        XCTAssertEqual(new.split(separator: "\n").count, 1)
    }

    func testReopenOfStandardErrorDoesNothing() throws {
        let sink = LogSink(minimumLevel: .error)
        XCTAssertNil(sink.path)
        XCTAssertNoThrow(try sink.reopen())
    }
}
