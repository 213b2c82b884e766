import XCTest

@testable import Support

/// Sizes and durations as nats-server's configuration writes them.
final class UnitsTests: XCTestCase {
    func testSizesWithoutASuffixAreBytes() {
        XCTAssertEqual(Units.byteSize("0"), 0)
        XCTAssertEqual(Units.byteSize("1048576"), 1_048_576)
        XCTAssertEqual(Units.byteSize("5b"), 5)
    }

    func testSingleLetterSuffixesArePowersOfOneThousand() {
        XCTAssertEqual(Units.byteSize("512k"), 512_000)
        XCTAssertEqual(Units.byteSize("2M"), 2_000_000)
        XCTAssertEqual(Units.byteSize("10G"), 10_000_000_000)
        XCTAssertEqual(Units.byteSize("2t"), 2_000_000_000_000)
    }

    func testTwoAndThreeLetterSuffixesArePowersOf1024InAnyCase() {
        XCTAssertEqual(Units.byteSize("64KB"), 65_536)
        XCTAssertEqual(Units.byteSize("64kb"), 65_536)
        XCTAssertEqual(Units.byteSize("1Ki"), 1024)
        XCTAssertEqual(Units.byteSize("1MB"), 1_048_576)
        XCTAssertEqual(Units.byteSize("1mib"), 1_048_576)
        XCTAssertEqual(Units.byteSize("1GiB"), 1_073_741_824)
        XCTAssertEqual(Units.byteSize("1TB"), 1 << 40)
    }

    func testSizesMayHaveSpacesAroundAndBeforeTheSuffix() {
        XCTAssertEqual(Units.byteSize(" 1 MB\t"), 1_048_576)
        XCTAssertEqual(Units.byteSize("\n64KB\n"), 65_536)
    }

    func testMalformedOrNegativeSizesAreNil() {
        for junk in ["", " ", "MB", "-1", "-1MB", "1.5MB", "1XB", "abc", "1 M B", "0x10", "1MBB", "١٢"] {
            XCTAssertNil(Units.byteSize(junk), junk)
        }
    }

    func testSizesThatOverflowAreNilNotWrapped() {
        XCTAssertEqual(Units.byteSize("9223372036854775807"), Int.max)
        XCTAssertNil(Units.byteSize("9223372036854775808"))
        XCTAssertNil(Units.byteSize("8589934592GB"))  // exactly 2^63
        XCTAssertEqual(Units.byteSize("8388607TB"), 8_388_607 * (1 << 40))  // 2^63 - 2^40
        XCTAssertNil(Units.byteSize("99999999999999999999999"))
    }

    func testDurationsTakeEveryUnit() {
        XCTAssertEqual(Units.durationNanoseconds("10ns"), 10)
        XCTAssertEqual(Units.durationNanoseconds("100us"), 100_000)
        XCTAssertEqual(Units.durationNanoseconds("100µs"), 100_000)
        XCTAssertEqual(Units.durationNanoseconds("250ms"), 250_000_000)
        XCTAssertEqual(Units.durationNanoseconds("2s"), 2_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("2m"), 120_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("1h"), 3_600_000_000_000)
    }

    func testDurationsCombineUnitsAndTakeFractions() {
        XCTAssertEqual(Units.durationNanoseconds("1h30m"), 5_400_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("1m30s500ms"), 90_500_000_000)
        XCTAssertEqual(Units.durationNanoseconds("1.5s"), 1_500_000_000)
        XCTAssertEqual(Units.durationNanoseconds("0.5h"), 1_800_000_000_000)
    }

    func testABareNumberIsSeconds() {
        XCTAssertEqual(Units.durationNanoseconds("5"), 5_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("0.25"), 250_000_000)
        XCTAssertEqual(Units.durationNanoseconds("0"), 0)
    }

    func testDaysAreAcceptedForRetentionSettings() {
        XCTAssertEqual(Units.durationNanoseconds("30d"), 30 * 86_400_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("1d12h"), 36 * 3_600_000_000_000)
    }

    func testDurationsIgnoreCaseAndSurroundingSpaces() {
        XCTAssertEqual(Units.durationNanoseconds(" 2S "), 2_000_000_000)
        XCTAssertEqual(Units.durationNanoseconds("\t500MS\n"), 500_000_000)
    }

    func testMalformedOrNegativeDurationsAreNil() {
        for junk in ["", " ", "abc", "s", "-1s", "-1", "2x", "1.2.3s", "1h 30m", "nan", "1s-", ".s", "1e3s", "2w"] {
            XCTAssertNil(Units.durationNanoseconds(junk), junk)
        }
    }

    func testDurationsPastTheRangeOfInt64AreNil() {
        XCTAssertNil(Units.durationNanoseconds("300000000h"))
        XCTAssertNil(Units.durationNanoseconds("9223372036854775807s"))
        XCTAssertEqual(Units.durationNanoseconds("9223372036s"), 9_223_372_036_000_000_000)
    }

    func testTrimmingWhitespaceRemovesSpacesTabsAndLineBreaksAtBothEnds() {
        XCTAssertEqual(" \t a b \n".trimmingWhitespace(), "a b")
        XCTAssertEqual("   ".trimmingWhitespace(), "")
        XCTAssertEqual("x".trimmingWhitespace(), "x")
        XCTAssertEqual("\ra\r".trimmingWhitespace(), "a")
    }
}

final class UnitsRegressionTests: XCTestCase {
    func testDurationsThatDoNotFitOrAreNotDecimalAreRefusedInsteadOfCrashing() {
        XCTAssertNil(Units.durationNanoseconds("inf"))
        XCTAssertNil(Units.durationNanoseconds("1e10"))
        XCTAssertNil(Units.durationNanoseconds("9223372036854775807ns"))
        XCTAssertNil(Units.durationNanoseconds("0x10"))
    }

    func testFractionalDurationsRoundToTheNearestNanosecond() {
        XCTAssertEqual(Units.durationNanoseconds("2.01s"), 2_010_000_000)
    }

    func testSizesWithAWindowsLineEndingParse() {
        XCTAssertEqual(Units.byteSize("5\r\n"), 5)
    }
}

final class TimestampTests: XCTestCase {
    func testNanosecondTimestampsPrintLikeNatsServer() {
        XCTAssertEqual(Timestamp.rfc3339(nanoseconds: 1_795_667_417_984_761_905), "2026-11-26T04:30:17.984761905Z")
        XCTAssertEqual(
            Timestamp.rfc3339(nanoseconds: 1_795_667_417_000_000_005, fractionDigits: 3),
            "2026-11-26T04:30:17.000Z")
    }

    func testZeroIsGoZeroTime() {
        XCTAssertEqual(Timestamp.rfc3339(nanoseconds: 0), "0001-01-01T00:00:00Z")
    }
}
