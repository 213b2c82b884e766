import XCTest

@testable import Support

/// A settings file fills options below the command line and the environment, above defaults.
final class SettingsFileTests: XCTestCase {
    private let spec = CommandSpec(
        name: "agent", summary: "Runs an agent", usage: "ffrtmp agent [options]",
        options: [
            OptionSpec(["-s", "--server"], value: "URL", help: "Server", environment: "NATS_URL", default: "nats://x"),
            OptionSpec(["-j", "--max-concurrent-jobs"], value: "N", help: "Slots", default: "1"),
            OptionSpec(["--input-root"], value: "DIR", help: "Input root (repeatable)"),
            OptionSpec(["--heartbeat"], value: "DURATION", help: "Period", default: "5s"),
            OptionSpec(["-D", "--debug"], help: "Debug"),
        ],
        discussion: "")

    private func settings(_ text: String) throws -> ConfigObject { try ConfigFile.parse(text, fileName: "agent.conf") }

    func testTheFileFillsWhatTheCommandLineLeftToDefaults() throws {
        let parsed = try spec.parse([])
            .addingSettings(from: settings("server: \"nats://a:4222\"\nmax-concurrent-jobs: 3\ndebug: true"))
        XCTAssertEqual(parsed.string("--server"), "nats://a:4222")
        XCTAssertEqual(try parsed.int("--max-concurrent-jobs"), 3)
        XCTAssertTrue(parsed.flag("--debug"))
        XCTAssertEqual(parsed.string("--heartbeat"), "5s", "untouched options keep their default")
    }

    func testTheCommandLineAndTheEnvironmentWinOverTheFile() throws {
        let file = try settings("server: \"nats://file:1\"\nmax-concurrent-jobs: 3")
        let fromFlags = try spec.parse(["-j", "2"], environment: ["NATS_URL": "nats://env:2"]).addingSettings(
            from: file)
        XCTAssertEqual(fromFlags.string("--server"), "nats://env:2")
        XCTAssertEqual(try fromFlags.int("-j"), 2)
    }

    func testArraysFillRepeatableOptionsAndSizesKeepTheirWrittenForm() throws {
        let parsed = try spec.parse([]).addingSettings(from: settings("input-root: [/media, /srv/in]\nheartbeat: 2m"))
        XCTAssertEqual(parsed.strings("--input-root"), ["/media", "/srv/in"])
        XCTAssertEqual(parsed.string("--heartbeat"), "2m", "a duration is not read as 2 000 000")
    }

    func testUnknownKeysAndBlocksFailNamingTheFileAndLine() throws {
        XCTAssertThrowsError(try spec.parse([]).addingSettings(from: settings("\nmax-jobs: 2"))) { error in
            XCTAssertTrue("\(error)".contains("agent.conf:2"), "\(error)")
            XCTAssertTrue("\(error)".contains("unknown setting \"max-jobs\""), "\(error)")
        }
        XCTAssertThrowsError(try spec.parse([]).addingSettings(from: settings("server { url: x }"))) { error in
            XCTAssertTrue("\(error)".contains("takes a value, not a block"), "\(error)")
        }
    }
}
