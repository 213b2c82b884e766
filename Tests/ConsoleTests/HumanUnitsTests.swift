import Console
import XCTest

/// Numbers in the units people read.
final class HumanUnitsTests: XCTestCase {
    func testFixedDecimalsRoundHalfAwayFromZeroAndKeepTrailingZeros() {
        XCTAssertEqual(HumanUnits.fixed(2.35, 1), "2.4")
        XCTAssertEqual(HumanUnits.fixed(2, 2), "2.00")
        XCTAssertEqual(HumanUnits.fixed(-0.04, 1), "0.0")
        XCTAssertEqual(HumanUnits.fixed(-1.25, 1), "-1.3")
        XCTAssertEqual(HumanUnits.fixed(0.0123, 3), "0.012")
        XCTAssertEqual(HumanUnits.fixed(.nan, 1), "-")
    }

    func testSignificantKeepsAboutThreeDigitsWithoutTrailingZeros() {
        let cases: [(Double, String)] = [
            (0.006834, "0.00683"), (0.42, "0.42"), (0.8, "0.8"), (12.34, "12.3"), (812.4, "812"), (1234.5, "1235"),
            (0, "0"), (-2.5, "-2.5"), (0.000_000_1, "0"),
        ]
        for (value, text) in cases { XCTAssertEqual(HumanUnits.significant(value), text, "\(value)") }
    }

    func testEnergyDurationsAgesAndCountdowns() {
        XCTAssertEqual(HumanUnits.energy(joules: 0.41), "0.41 J")
        XCTAssertEqual(HumanUnits.energy(joules: 812), "812 J")
        XCTAssertEqual(HumanUnits.energy(joules: 1234), "1.23 kJ")
        XCTAssertEqual(HumanUnits.energy(joules: 45_600_000), "45.6 MJ")
        XCTAssertEqual(HumanUnits.duration(seconds: 0.164), "0.16 s")
        XCTAssertEqual(HumanUnits.duration(seconds: 3.44), "3.44 s")
        XCTAssertEqual(HumanUnits.duration(seconds: 34.4), "34.4 s")
        XCTAssertEqual(HumanUnits.duration(seconds: 125), "2m05s")
        XCTAssertEqual(HumanUnits.duration(seconds: 3720), "1h02m")
        let second: Int64 = 1_000_000_000
        XCTAssertEqual(HumanUnits.age(unixNanoseconds: 100 * second, now: 100 * second), "just now")
        XCTAssertEqual(HumanUnits.age(unixNanoseconds: 95 * second, now: 100 * second), "5s ago")
        XCTAssertEqual(HumanUnits.age(unixNanoseconds: 0, now: 200 * second), "3m ago")
        XCTAssertEqual(HumanUnits.age(unixNanoseconds: 0, now: 7300 * second), "2h ago")
        XCTAssertEqual(HumanUnits.age(unixNanoseconds: 0, now: 4 * 86_400 * second), "4d ago")
        XCTAssertEqual(HumanUnits.clock(seconds: 4.2), "0:05")
        XCTAssertEqual(HumanUnits.clock(seconds: 754), "12:34")
        XCTAssertEqual(HumanUnits.clock(seconds: 3723), "1:02:03")
        XCTAssertEqual(HumanUnits.watts(142.3), "142 W")
        XCTAssertEqual(HumanUnits.percent(0.456), "46%")
        XCTAssertEqual(HumanUnits.percent(1.7), "100%")
        XCTAssertEqual(HumanUnits.dollars(0.000_023_33), "$0.0000233")
        XCTAssertEqual(HumanUnits.dollars(0.000_000_01), "<$0.000001")
    }
}
