import Energy
import Support
import XCTest

/// posix_spawn without a shell: output captured, status returned, a deadline enforced.
final class CommandRunnerTests: XCTestCase {
    func testOutputErrorAndExitStatusAreCaptured() throws {
        let outcome = try CommandRunner.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], timeoutSeconds: 5)
        XCTAssertEqual(outcome.standardOutput, "out\n")
        XCTAssertEqual(outcome.standardError, "err\n")
        XCTAssertEqual(outcome.exitStatus, 3)
        XCTAssertFalse(outcome.succeeded)
        XCTAssertFalse(outcome.timedOut)
    }

    func testArgumentsReachTheProgramUnchangedWithNoShellInBetween() throws {
        let outcome = try CommandRunner.run("printf", ["%s|", "a b", "$HOME", ";rm"], timeoutSeconds: 5)
        XCTAssertEqual(outcome.standardOutput, "a b|$HOME|;rm|")
        XCTAssertTrue(outcome.succeeded)
    }

    func testAMissingProgramIsReportedAsNotFound() {
        XCTAssertThrowsError(try CommandRunner.run("/nonexistent/tool", [], timeoutSeconds: 1)) { error in
            XCTAssertTrue((error as? CommandRunner.LaunchError)?.isNotFound == true, "\(error)")
        }
    }

    func testACommandPastItsDeadlineIsKilledWithItsChildren() throws {
        let began = Clock.monotonicNanoseconds()
        let outcome = try CommandRunner.run("/bin/sh", ["-c", "sleep 5; echo late"], timeoutSeconds: 0.2)
        XCTAssertTrue(outcome.timedOut)
        XCTAssertNil(outcome.exitStatus)
        XCTAssertEqual(outcome.standardOutput, "")
        XCTAssertLessThan(Double(Clock.monotonicNanoseconds() - began) / 1e9, 2)
    }
}
