import XCTest

@testable import Support

/// Every syntax form of the nats-server configuration format that `ConfigFile` reads.
final class ConfigFileSyntaxTests: XCTestCase {
    private func parse(_ text: String) throws -> ConfigObject { try ConfigTestSupport.parse(text) }

    func testColonEqualsAndSpaceAllSeparateKeyFromValue() throws {
        let config = try parse("a: 1\nb = 2\nc 3\nd:4\ne=5\n")
        XCTAssertEqual(config, ["a": 1, "b": 2, "c": 3, "d": 4, "e": 5])
    }

    func testHashAndDoubleSlashCommentsAreIgnoredOnTheirOwnLinesAndAfterValues() throws {
        let text = """
            # a comment
            // another
            a: 1 # trailing
            b: "x" // trailing
            c: nats://host:4222 # a bare value keeps its // inside
            """
        XCTAssertEqual(try parse(text), ["a": 1, "b": "x", "c": "nats://host:4222"])
    }

    func testAHashInsideABareWordIsPartOfTheWordAsInNatsServer() throws {
        XCTAssertEqual(try parse("a: x#y\n"), ["a": "x#y"])
    }

    func testBlocksMayFollowTheKeyWithOrWithoutASeparatorAndOnTheNextLine() throws {
        let text = """
            one { port: 1 }
            two: { port: 2 }
            three = { port: 3 }
            four
            {
              port: 4
            }
            five{port: 5}
            """
        let config = try parse(text)
        XCTAssertEqual(config.keys, ["one", "two", "three", "four", "five"])
        for (index, key) in config.keys.enumerated() {
            XCTAssertEqual(try config.object(key)?.int("port"), index + 1)
        }
    }

    func testNestedBlocksKeepTheirKeyPaths() throws {
        let config = try parse("cluster { authorization { user: a } }")
        let cluster = try XCTUnwrap(config.object("cluster"))
        let authorization = try XCTUnwrap(cluster.object("authorization"))
        XCTAssertEqual(cluster.path, "cluster")
        XCTAssertEqual(authorization.path, "cluster.authorization")
        XCTAssertEqual(try authorization.string("user"), "a")
    }

    func testMembersMaySeparateWithCommasSemicolonsOrLineBreaks() throws {
        let config = try parse("a: 1, b: 2; c: 3\nblock { x: 1, y: 2; z: 3 }")
        XCTAssertEqual(config, ["a": 1, "b": 2, "c": 3, "block": ["x": 1, "y": 2, "z": 3]])
    }

    func testArraysTakeCommasLineBreaksOrBothAndATrailingComma() throws {
        let text = """
            a: [1, 2, 3]
            b: [
              x
              y,
              "z",
            ]
            c: []
            d: [[1, 2], [], [[3]]]
            """
        let config = try parse(text)
        XCTAssertEqual(config["a"], [1, 2, 3])
        XCTAssertEqual(config["b"], ["x", "y", "z"])
        XCTAssertEqual(config["c"], [])
        XCTAssertEqual(config["d"], [[1, 2], [], [[3]]])
    }

    func testArraysHoldBlocksWhosePathsNameTheirIndex() throws {
        let config = try parse("users = [ {user: a, password: b}, {user: c} ]")
        guard case .array(let users) = config["users"], case .object(let second) = users[1] else {
            return XCTFail("expected an array of blocks")
        }
        XCTAssertEqual(users[0], ["user": "a", "password": "b"])
        XCTAssertEqual(second.path, "users[1]")
    }

    func testDoubleQuotedStringsTakeEscapes() throws {
        let config = try parse(#"a: "q\" b\\ n\n t\t r\r s\/ x\x41 u\u00e9 pair\ud83d\ude00""#)
        XCTAssertEqual(config["a"], "q\" b\\ n\n t\t r\r s/ xA u\u{e9} pair\u{1F600}")
    }

    func testDoubleQuotedStringsMaySpanLinesAsInNatsServer() throws {
        XCTAssertEqual(try parse("a: \"one\ntwo\"\nb: 1"), ["a": "one\ntwo", "b": 1])
    }

    func testSingleQuotedStringsAreRaw() throws {
        XCTAssertEqual(try parse(#"a: 'C:\path\n "x"'"#), ["a": #"C:\path\n "x""#])
    }

    func testQuotedStringsKeepNumbersBooleansAndCommentsAsText() throws {
        let config = try parse(##"a: "4222", b: 'true', c: "# not a comment", d: "$NOT_A_VARIABLE""##)
        XCTAssertEqual(config, ["a": "4222", "b": "true", "c": "# not a comment", "d": "$NOT_A_VARIABLE"])
    }

    func testBareStringsEndAtBlanksCommasSemicolonsBracketsAndBraces() throws {
        let config = try parse("a: 0.0.0.0:4222\nb: [x,y]\nc { d: e}\nf: g;h: i\n")
        XCTAssertEqual(config, ["a": "0.0.0.0:4222", "b": ["x", "y"], "c": ["d": "e"], "f": "g", "h": "i"])
    }

    func testIntegersFloatsAndNegativeNumbers() throws {
        let config = try parse("a: 4222\nb: -17\nc: 1.5\nd: -0.25\ne: 2e3\nf: 1.5E-3\ng: 007")
        XCTAssertEqual(config, ["a": 4222, "b": -17, "c": 1.5, "d": -0.25, "e": 2000.0, "f": 0.0015, "g": 7])
    }

    func testSizeSuffixesMakeIntegerBytesAsNatsServerDoes() throws {
        let config = try parse("a: 1MB\nb: 64KB\nc: 64K\nd: 10G\ne: 1GiB\nf: 2m\ng: -1MB\nh: 1Ti")
        XCTAssertEqual(config["a"], .integer(1_048_576))
        XCTAssertEqual(config["b"], .integer(65_536))
        XCTAssertEqual(config["c"], .integer(64_000))
        XCTAssertEqual(config["d"], .integer(10_000_000_000))
        XCTAssertEqual(config["e"], .integer(1_073_741_824))
        XCTAssertEqual(config["f"], .integer(2_000_000))
        XCTAssertEqual(config["g"], .integer(-1_048_576))
        XCTAssertEqual(config["h"], .integer(1 << 40))
    }

    func testWordsThatOnlyStartWithDigitsStayText() throws {
        let config = try parse("a: 127.0.0.1\nb: 30s\nc: 500ms\nd: 5b\ne: 1.\nf: 1e\ng: 2016-05-04T18:53:41Z\nh: 0x10")
        XCTAssertEqual(
            config,
            [
                "a": "127.0.0.1", "b": "30s", "c": "500ms", "d": "5b", "e": "1.", "f": "1e",
                "g": "2016-05-04T18:53:41Z", "h": "0x10",
            ])
    }

    func testBooleansAreTrueYesOnFalseNoOffInAnyCase() throws {
        let config = try parse("a: true\nb: YES\nc: On\nd: false\ne: no\nf: OFF\ng: truth")
        XCTAssertEqual(config, ["a": true, "b": true, "c": true, "d": false, "e": false, "f": false, "g": "truth"])
    }

    func testKeysMayBeQuoted() throws {
        let config = try parse(#""a key": 1, 'raw\key' = 2, "": 3"#)
        XCTAssertEqual(config, ["a key": 1, #"raw\key"#: 2, "": 3])
    }

    func testAJsonDocumentParses() throws {
        let text = #"""
            {
              "port": 4444,
              "tags": ["a", "b\u0041"],
              "cluster": {"name": "j", "port": 6444, "routes": []},
              "ratio": -1.5e2,
              "on": true, "off": false
            }
            """#
        let config = try parse(text)
        XCTAssertEqual(
            config,
            [
                "port": 4444, "tags": ["a", "bA"], "cluster": ["name": "j", "port": 6444, "routes": []],
                "ratio": -150.0, "on": true, "off": false,
            ])
    }

    func testTopLevelBracesMayWrapBareSyntaxToo() throws {
        XCTAssertEqual(try parse("{ a: 1\n b { c: 2 } }\nd: 3"), ["a": 1, "b": ["c": 2], "d": 3])
    }

    func testAKeyWrittenTwiceKeepsItsFirstPlaceAndTakesTheLastValue() throws {
        let config = try parse("a: 1\nb: 2\na: 3")
        XCTAssertEqual(config.keys, ["a", "b"])
        XCTAssertEqual(config["a"], 3)
        XCTAssertEqual(config.entry("a")?.location?.line, 3)
    }

    func testEmptyTextAndOnlyCommentsGiveAnEmptyBlock() throws {
        XCTAssertEqual(try parse(""), [:])
        XCTAssertEqual(try parse("\n# nothing\n  // here\n\n"), [:])
        XCTAssertEqual(try parse("{}"), [:])
    }

    func testWindowsLineEndingsAndAByteOrderMarkAreAccepted() throws {
        XCTAssertEqual(try parse("\u{FEFF}a: 1\r\nb: x\r\nc { d: 2 }\r\n"), ["a": 1, "b": "x", "c": ["d": 2]])
    }

    func testEntriesRememberTheLineAndColumnOfTheirKey() throws {
        let config = try parse("a: 1\n\n  block {\n    inner: 2\n  }")
        XCTAssertEqual(config.entry("a")?.location, ConfigLocation(fileName: "test.conf", line: 1, column: 1))
        XCTAssertEqual(config.entry("block")?.location, ConfigLocation(fileName: "test.conf", line: 3, column: 3))
        let block = try XCTUnwrap(config.object("block"))
        XCTAssertEqual(block.entry("inner")?.location, ConfigLocation(fileName: "test.conf", line: 4, column: 5))
        XCTAssertEqual(block.location, ConfigLocation(fileName: "test.conf", line: 3, column: 9))
    }

    func testColumnsCountCharactersNotBytes() throws {
        let config = try parse("\"é\": 1, b: 2")
        XCTAssertEqual(config.entry("b")?.location?.column, 9)
    }

    func testTheDescriptionIsJsonThatParsesBackToAnEqualBlock() throws {
        let text = """
            a: "quote \\" and \\\\ and\\ttab\\u0001"
            b: [1, -2.5, true, "x", [], {c: {}}]
            size: 1MB
            """
        let config = try parse(text)
        XCTAssertEqual(try parse(config.description), config)
        XCTAssertTrue(config.description.hasPrefix(#"{"a": "quote \" and \\ and\ttab\u0001", "b": [1, -2.5"#))
    }

    func testAnIncludeKeyWithASeparatorIsAnOrdinaryKey() throws {
        XCTAssertEqual(try parse("include: x\ninclude = y"), ["include": "y"])
    }
}
