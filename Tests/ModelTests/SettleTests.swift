import Model
import XCTest

/// `settle_s`: idle power measured before a job, for net energy; bounded like every job field.
final class SettleTests: XCTestCase {
    func testASettlePeriodIsKeptAndSurvivesTheExplicitForm() throws {
        let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"720p30-h264","settle_s":5"#)))
        XCTAssertEqual(spec.settleSeconds, 5)
        XCTAssertEqual(spec.job.settleSeconds, 5)
        XCTAssertEqual(try JobValidator().validate(spec.job).get().settleSeconds, 5)
        let text = String(decoding: try MessageCoding.encode(spec.job), as: UTF8.self)
        XCTAssertTrue(text.contains("\"settle_s\":5"), text)
        XCTAssertEqual(try SchemaFiles.validator("job").errors(JSONValue.parse(MessageCoding.encode(spec.job))), [])
        XCTAssertNil(try XCTUnwrap(accept(jobJSON(#""scenario":"720p30-h264""#))).settleSeconds)
    }

    func testASettlePeriodOutsideOneSecondToTwoMinutesIsRejected() {
        for value in ["0", "0.5", "121", "1e9", "-3", "\"5\""] {
            reject(jobJSON(#""scenario":"720p30-h264","settle_s":\#(value)"#), field: "settle_s")
        }
    }

    func testNetEnergyBeyondTheNodesPowerIsImplausible() {
        var result = Examples.result
        result.energy?.idleBaselineWatts = 50
        result.energy?.netJoules = 450
        XCTAssertNil(result.implausibleField)
        result.energy?.idleBaselineWatts = 1e6
        XCTAssertEqual(result.implausibleField, "power")
    }
}
