import Model
import XCTest

/// ULIDs as the spec encodes them.
final class ULIDTests: XCTestCase {
    func testTheTimeAndRandomBitsEncodeAsTheSpecSays() {
        // github.com/ulid/spec: 1469922850259 ms is 01ARZ3NDEK.
        XCTAssertEqual(
            ULID.make(unixMilliseconds: 1_469_922_850_259, randomHigh: 0, randomLow: 0), "01ARZ3NDEK0000000000000000")
        XCTAssertEqual(
            ULID.make(unixMilliseconds: 0xFFFF_FFFF_FFFF, randomHigh: .max, randomLow: .max),
            "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        // The 80 random bits as one number (checked with an independent base32 encoder).
        XCTAssertEqual(ULID.make(unixMilliseconds: 0, randomHigh: 1, randomLow: 0), "0000000000000G000000000000")
        XCTAssertEqual(ULID.make(unixMilliseconds: 0, randomHigh: 0, randomLow: 1 << 60), "00000000000001000000000000")
        XCTAssertEqual(
            ULID.make(unixMilliseconds: 0, randomHigh: 0xABCD, randomLow: 0xEF01_2345_6789_ABCD),
            "0000000000NF6YY0938NKRKAYD")
    }

    func testUlidsAreValidIdsThatSortByTime() {
        var generator = SystemRandomNumberGenerator()
        let earlier = ULID.make(unixMilliseconds: 1_700_000_000_000, using: &generator)
        let later = ULID.make(unixMilliseconds: 1_700_000_000_001, using: &generator)
        XCTAssertEqual(earlier.count, 26)
        XCTAssertTrue(Identifier.isValid(earlier))
        XCTAssertLessThan(earlier, later)
    }
}
