import Model
import XCTest

final class JSONShapeTests: XCTestCase {
    private func problem(_ json: String, depth: Int = 4) -> JSONShapeError? {
        do {
            try JSONShape.check(Array(json.utf8), maximumDepth: depth)
            return nil
        } catch {
            return error
        }
    }

    func testOrdinaryJSONPasses() {
        XCTAssertNil(problem(#"{"a":[1,-2.5e3,{"b":"x\"}y"}],"c":true,"d":null,"e":"{["}"#))
        XCTAssertNil(problem(#"{"a":{"a":{"a":1}}}"#), "the same name at different levels is fine")
    }

    func testNestingPastTheLimitIsReportedWithItsPath() {
        XCTAssertEqual(
            problem(#"{"a":{"b":[[{"c":1}]]}}"#),
            JSONShapeError(path: "a.b[0][0]", reason: "nested deeper than 4 levels"))
    }

    func testDuplicateFieldsAreReportedWithTheirPath() {
        XCTAssertEqual(problem(#"{"a":{"b":1,"c":2,"b":3}}"#), JSONShapeError(path: "a.b", reason: "duplicate field"))
    }

    func testEscapedFieldNamesAreReported() {
        XCTAssertEqual(problem(#"{"\u0061":1}"#)?.reason, "field names may not contain escapes")
        XCTAssertNil(problem(#"{"a":"\u0061"}"#), "escapes in values are fine")
    }

    func testNonFiniteNumbersAndWordsThatAreNotJSONAreReported() {
        XCTAssertEqual(
            problem(#"{"a":[1,1e999]}"#), JSONShapeError(path: "a[1]", reason: #"number "1e999" is out of range"#))
        XCTAssertEqual(problem(#"{"a":NaN}"#), JSONShapeError(path: "a", reason: #""NaN" is not a JSON value"#))
        XCTAssertEqual(problem(#"{"a":-Infinity}"#)?.path, "a")
    }

    func testUnbalancedInputIsReportedNotCrashedOn() {
        XCTAssertEqual(problem("]")?.reason, "not valid JSON")
        XCTAssertNil(problem(#"{"a":"unterminated"#), "grammar errors are left to the decoder")
    }
}
