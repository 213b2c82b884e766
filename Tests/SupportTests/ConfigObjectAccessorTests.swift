import XCTest

@testable import Support

/// Typed reads of settings and their errors, which name the file, line and key path.
final class ConfigObjectAccessorTests: XCTestCase {
    private let text = """
        port: 4222
        name: "edge"
        debug: true
        ratio: 0.5
        max_payload: 1MB
        max_pending: "64KB"
        bad_size: "abc"
        negative: -1
        ping_interval: "2m"
        write_deadline: 10
        bare_minutes: 2m
        half_second: 0.5
        cluster {
          port: 6222
          routes: [nats://a:1, nats://b:2]
          tags: [x, 5]
        }
        single: only
        """

    private func config() throws -> ConfigObject {
        try ConfigTestSupport.parse(text, fileName: "broker.conf")
    }

    func testEachAccessorReadsItsKind() throws {
        let config = try config()
        XCTAssertEqual(try config.int("port"), 4222)
        XCTAssertEqual(try config.string("name"), "edge")
        XCTAssertEqual(try config.bool("debug"), true)
        XCTAssertEqual(try config.double("ratio"), 0.5)
        XCTAssertEqual(try config.double("port"), 4222.0)
        XCTAssertEqual(try config.object("cluster")?.int("port"), 6222)
        XCTAssertEqual(try config.object("cluster")?.strings("routes"), ["nats://a:1", "nats://b:2"])
        XCTAssertEqual(try config.object("cluster")?.array("routes")?.count, 2)
    }

    func testAbsentKeysReadAsNil() throws {
        let config = try config()
        XCTAssertNil(try config.int("missing"))
        XCTAssertNil(try config.string("missing"))
        XCTAssertNil(try config.bool("missing"))
        XCTAssertNil(try config.byteSize("missing"))
        XCTAssertNil(try config.durationNanoseconds("missing"))
        XCTAssertNil(try config.object("missing"))
        XCTAssertNil(try config.array("missing"))
        XCTAssertNil(try config.strings("missing"))
    }

    func testSizesComeFromIntegersOrStrings() throws {
        let config = try config()
        XCTAssertEqual(try config.byteSize("max_payload"), 1_048_576)
        XCTAssertEqual(try config.byteSize("max_pending"), 65_536)
        XCTAssertEqual(try config.byteSize("port"), 4222)
    }

    func testABadSizeNamesFileLineKeyAndValue() throws {
        let config = try config()
        assertThrows(#"broker.conf:7: bad_size: expected a size like 1MB, 64KB or 1048576, got "abc""#) {
            () throws(SupportError) in try config.byteSize("bad_size")
        }
        assertThrows("broker.conf:8: negative: expected a size like 1MB, 64KB or 1048576, got -1") {
            () throws(SupportError) in try config.byteSize("negative")
        }
    }

    func testDurationsComeFromStringsOrSeconds() throws {
        let config = try config()
        XCTAssertEqual(try config.durationNanoseconds("ping_interval"), 120_000_000_000)
        XCTAssertEqual(try config.durationNanoseconds("write_deadline"), 10_000_000_000)
        XCTAssertEqual(try config.durationNanoseconds("half_second"), 500_000_000)
    }

    func testABareTwoMinutesIsReadAsADurationNotTwoMillionSeconds() throws {
        let config = try config()
        XCTAssertEqual(config["bare_minutes"], .integer(2_000_000))
        XCTAssertEqual(try config.durationNanoseconds("bare_minutes"), 120_000_000_000)
    }

    func testABadDurationNamesFileLineKeyAndTheWordAsWritten() throws {
        let config = try config()
        let expected = #"expected a duration like "2s", "500ms" or "2m", or a number of seconds"#
        assertThrows("broker.conf:5: max_payload: \(expected), got 1MB") {
            () throws(SupportError) in try config.durationNanoseconds("max_payload")
        }
        assertThrows("broker.conf:8: negative: \(expected), got -1") {
            () throws(SupportError) in try config.durationNanoseconds("negative")
        }
    }

    func testHugeDurationsAreRefusedNotWrapped() throws {
        let config = try ConfigTestSupport.parse("a: 9223372036854775807\nb: 1e300\nc: \"9223372036854775807s\"")
        for key in ["a", "b", "c"] {
            XCTAssertThrowsError(try config.durationNanoseconds(key), key)
        }
    }

    func testWrongKindsNameWhatWasExpectedAndWhatWasFound() throws {
        let config = try config()
        assertThrows("broker.conf:2: name: expected a whole number, got \"edge\"") {
            () throws(SupportError) in try config.int("name")
        }
        assertThrows("broker.conf:1: port: expected a string, got 4222 (put it in quotes to use it as text)") {
            () throws(SupportError) in try config.string("port")
        }
        assertThrows("broker.conf:13: cluster: expected a string, got a block") {
            () throws(SupportError) in try config.string("cluster")
        }
        assertThrows("broker.conf:1: port: expected true or false, got 4222") {
            () throws(SupportError) in try config.bool("port")
        }
        assertThrows("broker.conf:2: name: expected a number, got \"edge\"") {
            () throws(SupportError) in try config.double("name")
        }
        assertThrows("broker.conf:1: port: expected a block { ... }, got 4222") {
            () throws(SupportError) in try config.object("port")
        }
        assertThrows("broker.conf:1: port: expected an array [ ... ], got 4222") {
            () throws(SupportError) in try config.array("port")
        }
        assertThrows("broker.conf:1: port: expected an array of strings, got 4222") {
            () throws(SupportError) in try config.strings("port")
        }
    }

    func testNestedErrorsNameTheFullKeyPathAndTheElement() throws {
        let cluster = try XCTUnwrap(try config().object("cluster"))
        assertThrows("broker.conf:16: cluster.tags[1]: expected a string, got 5") {
            () throws(SupportError) in try cluster.strings("tags")
        }
        assertThrows("broker.conf:14: cluster.port: must be below 1024") {
            () throws(SupportError) in throw cluster.invalid("port", "must be below 1024")
        }
    }

    func testASingleStringCountsAsAListOfOne() throws {
        XCTAssertEqual(try config().strings("single"), ["only"])
    }

    func testUnknownKeysAreListedInFileOrder() throws {
        let config = try ConfigTestSupport.parse("zeta: 1\nport: 2\nalpha: 3")
        XCTAssertEqual(config.unknownKeys(allowed: ["port"]), ["zeta", "alpha"])
        XCTAssertEqual(config.unknownKeys(allowed: ["port", "zeta", "alpha", "extra"]), [])
    }

    func testRejectingUnknownKeysSuggestsTheNearestKnownOne() throws {
        let config = try ConfigTestSupport.parse("port: 1\ncluster {\n  prot: 2\n}", fileName: "broker.conf")
        let cluster = try XCTUnwrap(config.object("cluster"))
        assertThrows("broker.conf:3: cluster.prot: unknown setting (did you mean port?)") {
            () throws(SupportError) in try cluster.rejectUnknownKeys(allowed: ["port", "name"])
        }
        let caps = try ConfigTestSupport.parse("Max_Payload: 1", fileName: "broker.conf")
        assertThrows("broker.conf:1: Max_Payload: unknown setting (did you mean max_payload?)") {
            () throws(SupportError) in try caps.rejectUnknownKeys(allowed: ["max_payload"])
        }
        assertThrows("broker.conf:1: port: unknown setting") {
            () throws(SupportError) in try config.rejectUnknownKeys(allowed: ["cluster", "something_else"])
        }
        XCTAssertNoThrow(try config.rejectUnknownKeys(allowed: ["port", "cluster"]))
    }

    func testBlocksBuiltInCodeReportErrorsWithoutALocation() {
        let block: ConfigObject = ["port": "x"]
        assertThrows(#"port: expected a whole number, got "x""#) { () throws(SupportError) in try block.int("port") }
    }

    func testEqualityIgnoresWhereValuesWereWritten() throws {
        let first = try ConfigTestSupport.parse("a: 1\nb { c: [x] }", fileName: "one.conf")
        let second = try ConfigTestSupport.parse(#"{"a": 1, "b": {"c": ["x"]}}"#, fileName: "two.json")
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, try ConfigTestSupport.parse("b { c: [x] }\na: 1"))
    }

    func testLongStringsAreShortenedInErrors() throws {
        let long = String(repeating: "x", count: 100)
        let config = try ConfigTestSupport.parse("a: \(long)")
        assertThrows("test.conf:1: a: expected a whole number, got \"\(String(repeating: "x", count: 57))...\"") {
            () throws(SupportError) in try config.int("a")
        }
    }
}
