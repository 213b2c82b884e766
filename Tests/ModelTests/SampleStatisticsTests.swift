import Model
import XCTest

/// Repeated measurements: mean, sample deviation, CV and Student-t intervals.
final class SampleStatisticsTests: XCTestCase {
    func testThreeValuesGiveTheirMeanSampleDeviationAndAStudentTInterval() throws {
        let statistics = try XCTUnwrap(SampleStatistics([1, 2, 3]))
        XCTAssertEqual(statistics.count, 3)
        XCTAssertEqual(statistics.mean, 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(statistics.standardDeviation), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(statistics.coefficientOfVariation), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(statistics.halfWidth), 4.303 / 3.0.squareRoot(), accuracy: 1e-9)
        let interval = try XCTUnwrap(statistics.interval)
        XCTAssertEqual(interval.low, 2 - 4.303 / 3.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(interval.high, 2 + 4.303 / 3.0.squareRoot(), accuracy: 1e-9)
    }

    func testOneValueHasAMeanButNoDeviationOrInterval() throws {
        let statistics = try XCTUnwrap(SampleStatistics([7.5]))
        XCTAssertEqual(statistics.mean, 7.5)
        XCTAssertNil(statistics.standardDeviation)
        XCTAssertNil(statistics.coefficientOfVariation)
        XCTAssertNil(statistics.interval)
    }

    func testNonFiniteValuesAreLeftOutAndNoValuesGiveNothing() throws {
        XCTAssertNil(SampleStatistics([]))
        XCTAssertNil(SampleStatistics([.nan, .infinity]))
        let statistics = try XCTUnwrap(SampleStatistics([4, .nan, 6]))
        XCTAssertEqual(statistics.count, 2)
        XCTAssertEqual(statistics.mean, 5)
    }

    func testIdenticalValuesHaveAZeroWidthInterval() throws {
        let statistics = try XCTUnwrap(SampleStatistics([3, 3, 3, 3]))
        XCTAssertEqual(statistics.standardDeviation, 0)
        XCTAssertEqual(statistics.halfWidth, 0)
        XCTAssertEqual(statistics.coefficientOfVariation, 0)
    }

    func testTheCriticalValueShrinksTowardsTheNormalOneAsRunsGrow() {
        XCTAssertEqual(SampleStatistics.studentT95(degreesOfFreedom: 1), 12.706)
        XCTAssertEqual(SampleStatistics.studentT95(degreesOfFreedom: 2), 4.303)
        XCTAssertEqual(SampleStatistics.studentT95(degreesOfFreedom: 30), 2.042)
        XCTAssertEqual(SampleStatistics.studentT95(degreesOfFreedom: 1000), 1.980)
        XCTAssertEqual(SampleStatistics.studentT95(degreesOfFreedom: 0), 12.706, "never below one degree")
        var previous = Double.infinity
        for degrees in 1...200 {
            let value = SampleStatistics.studentT95(degreesOfFreedom: degrees)
            XCTAssertLessThanOrEqual(value, previous)
            XCTAssertGreaterThan(value, 1.959)
            previous = value
        }
    }

    func testAZeroMeanHasNoCoefficientOfVariation() throws {
        XCTAssertNil(try XCTUnwrap(SampleStatistics([-1, 1])).coefficientOfVariation)
    }

    func testRunningSumsGiveWhatTheValuesGive() throws {
        let values = [0.0244, 0.0310, 0.0199, 0.0262]
        let fromValues = try XCTUnwrap(SampleStatistics(values))
        let fromSums = try XCTUnwrap(
            SampleStatistics(
                count: values.count, sum: values.reduce(0, +), sumOfSquares: values.reduce(0) { $0 + $1 * $1 }))
        XCTAssertEqual(fromSums.count, 4)
        XCTAssertEqual(fromSums.mean, fromValues.mean, accuracy: 1e-15)
        XCTAssertEqual(
            try XCTUnwrap(fromSums.standardDeviation), try XCTUnwrap(fromValues.standardDeviation), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(fromSums.halfWidth), try XCTUnwrap(fromValues.halfWidth), accuracy: 1e-12)
        XCTAssertNil(SampleStatistics(count: 0, sum: 0, sumOfSquares: 0))
        XCTAssertNil(SampleStatistics(count: 2, sum: .infinity, sumOfSquares: 1))
        let identical = try XCTUnwrap(SampleStatistics(count: 3, sum: 0.3, sumOfSquares: 0.03))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(identical.standardDeviation), 0, "never the root of a negative")
    }
}
