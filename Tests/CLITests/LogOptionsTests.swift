import Client
import Foundation
import XCTest

/// The shared log options on a running part: `--log-format json`, `--log-level`, `--log-file` and
/// the reopen on SIGUSR1 that logrotate's postrotate sends.
final class LogOptionsTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        guard FFrtmpBinary.isBuilt else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        folder = "/tmp/ffrtmp-log-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(folder, 0o700), 0)
    }

    override func tearDown() {
        for name in ["broker.log", "broker.log.1"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }

    /// Every line of the file as a JSON object; fails the test on a line that is not one.
    private func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try XCTUnwrap(parsed as? [String: Any], "not a JSON object: \(line)")
        }
    }

    private func waitFor(_ path: String, message: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let line = try jsonLines(path).first(where: { $0["msg"] as? String == message }) { return line }
            usleep(20_000)
        }
        XCTFail("no \"\(message)\" in \(path)")
        return [:]
    }

    func testTheBrokerWritesJSONLinesAndReopensItsLogFileOnSIGUSR1() throws {
        let log = folder + "/broker.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FFrtmpBinary.path)
        process.arguments = [
            "broker", "-a", "127.0.0.1", "-p", "0", "--log-file", log, "--log-format", "json", "--log-level", "debug",
        ]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let listening = try waitFor(log, message: "broker listening")
        let address = try XCTUnwrap(listening["addr"] as? String)
        XCTAssertEqual(listening["level"] as? String, "info")
        XCTAssertEqual(listening["comp"] as? String, "broker")

        XCTAssertEqual(rename(log, log + ".1"), 0)
        XCTAssertEqual(kill(process.processIdentifier, SIGUSR1), 0)
        _ = try waitFor(log, message: "log file reopened")
        XCTAssertTrue(process.isRunning, "SIGUSR1 reopens the log; it does not stop the part")

        let client = try NATSConnection.connect(url: "nats://\(address)")
        client.close()
        let connected = try waitFor(log, message: "client connected")
        XCTAssertEqual(connected["level"] as? String, "debug", "--log-level debug lets debug events through")
        XCTAssertFalse(try jsonLines(log + ".1").contains { $0["msg"] as? String == "client connected" })
    }

    func testABadLogFormatOrLevelIsAUsageErrorNamingTheOption() throws {
        let format = try FFrtmpBinary.run(["broker", "--log-format", "xml"])
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.error.contains("--log-format"), format.error)
        let level = try FFrtmpBinary.run(["master", "--log-level", "loud"])
        XCTAssertEqual(level.status, 2)
        XCTAssertTrue(level.error.contains("--log-level"), level.error)
    }

    func testEveryLongRunningPartOffersTheLogOptions() throws {
        for part in ["broker", "master", "agent", "up"] {
            let help = try FFrtmpBinary.run([part, "--help"])
            XCTAssertEqual(help.status, 0)
            for option in ["--log-file", "--log-format", "--log-level"] {
                XCTAssertTrue(help.output.contains(option), "ffrtmp \(part) --help lacks \(option)")
            }
        }
    }
}
