import XCTest

/// The test target's schema validator fails where it should, so a passing conformance test
/// means something.
final class SchemaValidatorTests: XCTestCase {
    private func errors(_ schema: String, _ instance: String) throws -> [String] {
        SchemaValidator(root: try JSONValue.parse(Array(schema.utf8))).errors(try JSONValue.parse(Array(instance.utf8)))
    }

    func testEachKeywordRejectsWhatItForbids() throws {
        let cases: [(schema: String, good: String, bad: String)] = [
            (#"{"type":"integer"}"#, "3", "3.5"),
            (#"{"type":["string","null"]}"#, "null", "1"),
            (#"{"required":["a"]}"#, #"{"a":1}"#, "{}"),
            (#"{"properties":{"a":{"type":"string"}}}"#, #"{"a":"x"}"#, #"{"a":1}"#),
            (#"{"additionalProperties":false,"properties":{"a":{}}}"#, #"{"a":1}"#, #"{"b":1}"#),
            (#"{"additionalProperties":{"type":"string"}}"#, #"{"a":"x"}"#, #"{"a":1}"#),
            (#"{"propertyNames":{"pattern":"^[a-z]+$"}}"#, #"{"ab":1}"#, #"{"A":1}"#),
            (#"{"maxProperties":1}"#, #"{"a":1}"#, #"{"a":1,"b":2}"#),
            (#"{"enum":["a","b"]}"#, #""a""#, #""c""#),
            (#"{"const":1}"#, "1", "2"),
            (#"{"minimum":1,"maximum":2}"#, "1.5", "2.5"),
            (#"{"minLength":2,"maxLength":3}"#, #""éé""#, #""abcd""#),
            (#"{"pattern":"^a+$"}"#, #""aaa""#, #""ab""#),
            (#"{"items":{"type":"number"},"minItems":1,"maxItems":2}"#, "[1]", "[]"),
            (#"{"uniqueItems":true}"#, "[1,2]", "[1,1]"),
            (#"{"oneOf":[{"type":"number"},{"minimum":0}]}"#, "-1", "1"),
            (#"{"anyOf":[{"type":"string"},{"type":"null"}]}"#, "null", "1"),
            (#"{"allOf":[{"type":"number"},{"minimum":0}]}"#, "1", "-1"),
            (#"{"not":{"required":["a","b"]}}"#, #"{"a":1}"#, #"{"a":1,"b":2}"#),
            (#"{"if":{"const":1},"then":{"type":"integer"},"else":{"type":"string"}}"#, #""x""#, "true"),
            (##"{"$defs":{"n":{"type":"number"}},"$ref":"#/$defs/n"}"##, "1", #""x""#),
            (##"{"$ref":"#/$defs/missing"}"##, "", "1"),
        ]
        for (schema, good, bad) in cases {
            if !good.isEmpty { XCTAssertEqual(try errors(schema, good), [], "\(schema) accepts \(good)") }
            XCTAssertNotEqual(try errors(schema, bad), [], "\(schema) refuses \(bad)")
        }
    }

    func testAKeywordTheValidatorDoesNotKnowIsAnError() throws {
        XCTAssertEqual(try errors(#"{"format":"email"}"#, #""x""#), ["$: schema uses unsupported keyword format"])
    }
}
