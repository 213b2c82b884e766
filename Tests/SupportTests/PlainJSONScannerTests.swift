import Support
import XCTest

/// The plain JSON scanner reads JSON's own grammar and gives up (nil) on anything else.
final class PlainJSONScannerTests: XCTestCase {
    private func scan<Value>(_ text: String, _ read: (inout PlainJSONScanner) -> Value?) -> Value? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = PlainJSONScanner(bytes: UnsafeRawBufferPointer(bytes))
            guard let value = read(&scanner), scanner.atEnd else { return nil }
            return value
        }
    }

    func testWholeNumbersFollowJSONsGrammarAndFitAnInt64() {
        let accepted: [String: Int64] = [
            "0": 0, "-0": 0, " 42": 42, "-12": -12, "9223372036854775807": .max, "-9223372036854775808": .min,
        ]
        for (text, value) in accepted { XCTAssertEqual(scan(text) { $0.wholeNumber() }, value, text) }
        for text in [
            "01", "-01", "1.0", "1e2", "1E2", "-", "", "+1", "9223372036854775808", "-9223372036854775809",
            "99999999999999999999999", "1 2", "0x10",
        ] {
            XCTAssertNil(scan(text) { $0.wholeNumber() }, text)
        }
    }

    func testNumbersFollowJSONsGrammarAndAreFinite() {
        let accepted: [String: Double] = [
            "0": 0, "0.5": 0.5, "-1e-3": -0.001, "1E+2": 100, "12.25e1": 122.5,
            "1.7976931348623157e308": .greatestFiniteMagnitude,
        ]
        for (text, value) in accepted { XCTAssertEqual(scan(text) { $0.number() }, value, text) }
        for text in [".5", "1.", "01", "1e", "1e+", "+1", "NaN", "inf", "-", "1e999", "0x1p3", "1.5.5", "--1"] {
            XCTAssertNil(scan(text) { $0.number() }, text)
        }
    }

    func testPlainStringsArePrintableASCIIWithoutEscapes() {
        XCTAssertEqual(scan("\"node-1 a.b\"") { $0.plainString() }, "node-1 a.b")
        XCTAssertEqual(scan("\"\"") { $0.plainString() }, "")
        for text in ["\"a\\\"b\"", "\"tab\there\"", "\"caf\u{e9}\"", "\"del\u{7f}\"", "\"open", "plain"] {
            XCTAssertNil(scan(text) { $0.plainString() }, text)
        }
    }

    func testNullAndBooleansAreWholeWords() {
        XCTAssertEqual(scan("null") { $0.skipNull() ? true : nil }, true)
        XCTAssertNil(scan("nul") { $0.skipNull() ? true : nil })
        XCTAssertNil(scan("nullx") { $0.skipNull() ? true : nil })
        XCTAssertEqual(scan(" true") { $0.boolean() }, true)
        XCTAssertEqual(scan("false ") { $0.boolean() }, false)
        XCTAssertNil(scan("tru") { $0.boolean() })
    }
}
