import Support
import XCTest

/// The JSON reader and writer: quoting and parsing agree, objects keep their field order.
final class JSONTests: XCTestCase {
    func testJSONStringsRoundTripThroughQuotingAndParsing() {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} delete \u{7F} é 😀"
        XCTAssertEqual(JSONValue.parse(JSONStringLiteral.quoted(text)), .string(text))
        XCTAssertEqual(JSONValue.parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertNil(JSONValue.parse(#"{"a":1,}"#))
        XCTAssertNil(JSONValue.parse("[1 2]"))
    }

    func testJSONObjectsKeepFieldOrderAndFormatNumbers() {
        var object = JSONObject()
        object.add("mode", "pub")
        object.add("count", 3)
        object.add("rate", 1234.5678, digits: 1)
        object.add("whole", 2.0)
        object.add("ok", true)
        XCTAssertEqual(object.text, #"{"mode":"pub","count":3,"rate":1234.6,"whole":2,"ok":true}"#)
    }

    func testObjectsQuoteTheirKeysAndStringsWithTheOneQuoter() {
        var object = JSONObject()
        object.add("name\u{7F}", "line\nbreak \u{01}")
        XCTAssertEqual(object.text, #"{"name\u007f":"line\nbreak \u0001"}"#)
    }
}
