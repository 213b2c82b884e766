import Energy
import XCTest

/// The wrap-around rule of docs/energy.md, on its own numbers.
final class CounterDeltaTests: XCTestCase {
    func testTheDocumentedWrapVectorGivesFiveJoules() {
        let range: UInt64 = 262_143_328_850
        XCTAssertEqual(
            CounterDelta.between(range - 1_000_000, 4_000_000, range: range), .moved(5_000_000, wrapped: true))
    }

    func testACounterThatMovedForwardIsItsDifference() {
        XCTAssertEqual(CounterDelta.between(10, 25, range: 100), .moved(15, wrapped: false))
        XCTAssertEqual(CounterDelta.between(10, 10, range: nil), .moved(0, wrapped: false))
    }

    func testAWrapWithAnUnknownRangeIsAGapNeverANegativeValue() {
        XCTAssertEqual(CounterDelta.between(500, 100, range: nil), .gap)
    }

    func testAPreviousValueBeyondTheRangeIsAGap() {
        XCTAssertEqual(CounterDelta.between(500, 100, range: 400), .gap)
    }
}
