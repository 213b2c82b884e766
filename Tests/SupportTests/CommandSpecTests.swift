import XCTest

@testable import Support

/// Command-line parsing: options, flags, `--`, errors, environment fallback, defaults and help.
final class CommandSpecTests: XCTestCase {
    private let spec = CommandSpec(
        name: "broker", summary: "Runs the NATS-compatible broker", usage: "ffrtmp broker [options]",
        options: [
            OptionSpec(
                ["-p", "--port"], value: "PORT", help: "Port to listen on", environment: "FFRTMP_PORT",
                default: "4222"),
            OptionSpec(["-c", "--config"], value: "FILE", help: "Configuration file"),
            OptionSpec(["--max-payload"], value: "SIZE", help: "Largest message", default: "1MB"),
            OptionSpec(["--ping-interval"], value: "DURATION", help: "Ping every", default: "2m"),
            OptionSpec(["-D", "--debug"], help: "Log debug lines", environment: "FFRTMP_DEBUG"),
            OptionSpec(["--route"], value: "URL", help: "Route to another broker"),
        ],
        discussion: "Reads the same configuration files as nats-server.")

    private func parse(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedArguments {
        try spec.parse(arguments, environment: environment)
    }

    func testAnOptionTakesTheNextArgumentAsItsValue() throws {
        XCTAssertEqual(try parse(["--port", "5000"]).string("--port"), "5000")
        XCTAssertEqual(try parse(["-p", "5000"]).string("--port"), "5000")
    }

    func testAnOptionTakesAValueAfterAnEqualsSign() throws {
        XCTAssertEqual(try parse(["--port=5000"]).string("-p"), "5000")
        XCTAssertEqual(try parse(["--config=a=b.conf"]).string("--config"), "a=b.conf")
        XCTAssertEqual(try parse(["--config="]).string("--config"), "")
    }

    func testFlagsTakeNoValueUnlessGivenWithEquals() throws {
        let parsed = try parse(["--debug", "file"])
        XCTAssertTrue(parsed.flag("--debug"))
        XCTAssertEqual(parsed.positionals, ["file"])
        XCTAssertFalse(try parse(["--debug=false"]).flag("-D"))
        XCTAssertTrue(try parse(["--debug=yes"]).flag("-D"))
        XCTAssertFalse(try parse([]).flag("--debug"))
    }

    func testAFlagWithAValueThatIsNotABooleanIsRefused() {
        assertThrows(#"--debug takes true or false, not "maybe""#) { () throws(SupportError) in
            try self.spec.parse(["--debug=maybe"])
        }
    }

    func testDoubleDashEndsOptions() throws {
        let parsed = try parse(["-p", "1", "--", "--port", "-x", "-"])
        XCTAssertEqual(parsed.string("--port"), "1")
        XCTAssertEqual(parsed.positionals, ["--port", "-x", "-"])
    }

    func testASingleDashIsAPositional() throws {
        XCTAssertEqual(try parse(["-"]).positionals, ["-"])
    }

    func testAnUnknownOptionNamesItselfAndTheCommand() {
        assertThrows("unknown option --prot for broker (see broker --help)") { () throws(SupportError) in
            try self.spec.parse(["--prot", "1"])
        }
        assertThrows("unknown option --prot for broker (see broker --help)") { () throws(SupportError) in
            try self.spec.parse(["--prot=1"])
        }
        assertThrows("unknown option -x for broker (see broker --help)") { () throws(SupportError) in
            try self.spec.parse(["-x"])
        }
    }

    func testAMissingValueNamesTheOptionAndItsPlaceholder() {
        assertThrows("--port needs a value (PORT)") { () throws(SupportError) in try self.spec.parse(["--port"]) }
        assertThrows("-c needs a value (FILE)") { () throws(SupportError) in try self.spec.parse(["a", "-c"]) }
    }

    func testTheCommandLineWinsOverTheEnvironmentWhichWinsOverTheDefault() throws {
        let environment = ["FFRTMP_PORT": "6000"]
        XCTAssertEqual(try parse(["--port", "5000"], environment: environment).string("--port"), "5000")
        XCTAssertEqual(try parse([], environment: environment).string("--port"), "6000")
        XCTAssertEqual(try parse([], environment: ["FFRTMP_PORT": ""]).string("--port"), "4222")
        XCTAssertEqual(try parse([]).string("--port"), "4222")
        XCTAssertNil(try parse([]).string("--config"))
    }

    func testAFlagCanComeFromTheEnvironment() throws {
        XCTAssertTrue(try parse([], environment: ["FFRTMP_DEBUG": "1"]).flag("--debug"))
        XCTAssertFalse(try parse([], environment: ["FFRTMP_DEBUG": "off"]).flag("--debug"))
    }

    func testIsGivenIsTrueOnlyForTheCommandLine() throws {
        let parsed = try parse([], environment: ["FFRTMP_PORT": "6000"])
        XCTAssertFalse(parsed.isGiven("--port"))
        XCTAssertTrue(try parse(["-p", "1"]).isGiven("--port"))
    }

    func testTheLastValueWinsAndEveryValueIsKept() throws {
        let parsed = try parse(["--route", "a", "--route=b", "-p", "1", "-p", "2"])
        XCTAssertEqual(parsed.strings("--route"), ["a", "b"])
        XCTAssertEqual(parsed.string("--route"), "b")
        XCTAssertEqual(parsed.string("--port"), "2")
        XCTAssertEqual(parsed.strings("--config"), [])
    }

    func testHelpIsRequestedByDashHOrDoubleDashHelp() throws {
        XCTAssertTrue(try parse(["-h"]).helpRequested)
        XCTAssertTrue(try parse(["--port", "1", "--help"]).helpRequested)
        XCTAssertFalse(try parse([]).helpRequested)
    }

    func testTypedReadsConvertOrNameTheOption() throws {
        let parsed = try parse(["--port", "5000", "--max-payload", "64KB", "--ping-interval", "500ms"])
        XCTAssertEqual(try parsed.int("--port"), 5000)
        XCTAssertEqual(try parsed.byteSize("--max-payload"), 65_536)
        XCTAssertEqual(try parsed.durationNanoseconds("--ping-interval"), 500_000_000)
        let defaults = try parse([])
        XCTAssertEqual(try defaults.byteSize("--max-payload"), 1_048_576)
        XCTAssertEqual(try defaults.durationNanoseconds("--ping-interval"), 120_000_000_000)
        XCTAssertNil(try defaults.int("--config"))

        let bad = try parse(["-p", "http", "--max-payload", "lots", "--ping-interval", "soon"])
        assertThrows(#"--port takes a whole number, not "http""#) { () throws(SupportError) in try bad.int("-p") }
        assertThrows(#"--max-payload takes a size like 1048576, 64KB or 1MB, not "lots""#) {
            () throws(SupportError) in try bad.byteSize("--max-payload")
        }
        assertThrows(#"--ping-interval takes a duration like 500ms, 2s or 2m, not "soon""#) {
            () throws(SupportError) in try bad.durationNanoseconds("--ping-interval")
        }
    }

    func testHelpTextListsSummaryUsageEveryOptionAndTheDiscussion() {
        let help = spec.helpText
        XCTAssertTrue(help.hasPrefix("broker: Runs the NATS-compatible broker\n\nUsage: ffrtmp broker [options]\n"))
        XCTAssertTrue(help.contains("\nOptions:\n"))
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        func line(containing text: String) -> String? { lines.first(where: { $0.contains(text) }).map(String.init) }
        XCTAssertEqual(
            line(containing: "--port"), "  -p, --port PORT           Port to listen on [env FFRTMP_PORT, default 4222]")
        XCTAssertEqual(line(containing: "--config"), "  -c, --config FILE         Configuration file")
        XCTAssertEqual(line(containing: "--debug"), "  -D, --debug               Log debug lines [env FFRTMP_DEBUG]")
        XCTAssertEqual(line(containing: "--ping-interval"), "  --ping-interval DURATION  Ping every [default 2m]")
        XCTAssertNotNil(line(containing: "--max-payload SIZE"))
        XCTAssertNotNil(line(containing: "--route URL"))
        XCTAssertTrue(line(containing: "--help")?.hasSuffix("Show this help") ?? false)
        XCTAssertTrue(help.hasSuffix("\nReads the same configuration files as nats-server.\n"))
    }

    func testHelpWrapsAnOptionWhoseLabelIsTooLong() {
        let long = CommandSpec(
            name: "x", summary: "s", usage: "u",
            options: [OptionSpec(["--an-extremely-long-option-name"], value: "SOME_VALUE", help: "Help")])
        XCTAssertTrue(
            long.helpText.contains(
                "  --an-extremely-long-option-name SOME_VALUE\n" + String(repeating: " ", count: 36) + "Help\n"))
    }
}
