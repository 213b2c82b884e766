import XCTest

@testable import Agent

#if canImport(Glibc)
    import Glibc
#endif

final class ProcessChildTests: XCTestCase {
    private func run(_ executable: String, _ arguments: [String], timeout: Double? = 10) throws -> ProcessOutcome {
        try ChildProcess(ProcessLaunch(executable: executable, arguments: arguments)).wait(timeoutSeconds: timeout)
    }

    func testOutputEnvironmentAndDirectoryReachTheChildAndItIsReapedByPid() throws {
        let scratch = ScratchDirectory()
        let child = try ChildProcess(
            ProcessLaunch(
                executable: "env", arguments: [], environment: ["FFRTMP_TEST": "it works", "HOME": "/nowhere"],
                workingDirectory: scratch.path))
        var output: [UInt8] = []
        let outcome = child.wait(timeoutSeconds: 10, onOutput: { output += $0 })
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        XCTAssertTrue(lines.contains("FFRTMP_TEST=it works"))
        XCTAssertTrue(lines.contains("HOME=/nowhere"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("HOME=") && $0 != "HOME=/nowhere" })
        XCTAssertEqual(outcome.termination, .exited(0))
        XCTAssertTrue(outcome.succeeded)
        XCTAssertFalse(ProcessList.exists(child.processID), "no zombie left")

        let directory = try ChildProcess(
            ProcessLaunch(executable: "pwd", arguments: ["-P"], workingDirectory: scratch.path))
        var printed: [UInt8] = []
        _ = directory.wait(timeoutSeconds: 10, onOutput: { printed += $0 })
        XCTAssertEqual(String(decoding: printed, as: UTF8.self), scratch.path + "\n")
    }

    func testStdinIsEmptyAndAFailingExitStatusIsReported() throws {
        let outcome = try run("cat", [])
        XCTAssertEqual(outcome.termination, .exited(0), "cat read /dev/null and ended")
        let failing = try run("ls", ["/nonexistent-ffrtmp-path"])
        XCTAssertEqual(failing.termination, .exited(2))
        XCTAssertFalse(failing.succeeded)
        XCTAssertEqual(failing.logTail.count, 1)
        XCTAssertTrue(failing.logTail[0].contains("nonexistent-ffrtmp-path"))
    }

    func testOnlyTheLastLinesOfStderrAreKept() throws {
        let paths = (1...100).map { "/nonexistent-\($0)" }
        var seen = 0
        let child = try ChildProcess(ProcessLaunch(executable: "ls", arguments: paths, logTailLines: 5))
        let outcome = child.wait(timeoutSeconds: 10, onErrorLine: { _ in seen += 1 })
        XCTAssertEqual(seen, 100)
        XCTAssertEqual(outcome.logTail.count, 5)
        XCTAssertTrue(outcome.logTail[0].contains("/nonexistent-96"))
        XCTAssertTrue(outcome.logTail[4].contains("/nonexistent-100"))
    }

    func testAMissingExecutableIsANotFoundErrorAndLeaksNothing() {
        let before = ProcessList.openDescriptors()
        XCTAssertThrowsError(try ChildProcess(ProcessLaunch(executable: "/nonexistent/ffmpeg", arguments: []))) {
            XCTAssertTrue(($0 as? ProcessError)?.isNotFound ?? false, "\($0)")
        }
        XCTAssertThrowsError(try ChildProcess(ProcessLaunch(executable: "no-such-tool-ffrtmp", arguments: [])))
        XCTAssertEqual(ProcessList.descriptorsLeaked(since: before), [])
    }

    func testATimeoutKillsTheWholeProcessGroup() throws {
        // timeout(1) forks sleep into the same process group: two processes to end.
        let child = try ChildProcess(ProcessLaunch(executable: "timeout", arguments: ["60", "sleep", "60"]))
        MonotonicSleep.seconds(0.2)
        XCTAssertEqual(ProcessList.members(ofGroup: child.processID).count, 2)
        let outcome = child.wait(timeoutSeconds: 0.5, graceSeconds: 1)
        XCTAssertEqual(outcome.stopReason, .timedOut)
        XCTAssertFalse(outcome.succeeded)
        XCTAssertLessThan(outcome.wallSeconds, 3)
        XCTAssertEqual(ProcessList.membersAfterDying(ofGroup: child.processID), [])
    }

    func testAChildIgnoringSIGTERMGetsSIGKILLAfterTheGracePeriod() throws {
        let child = try ChildProcess(
            ProcessLaunch(executable: "env", arguments: ["--ignore-signal=TERM", "sleep", "60"]))
        let outcome = child.wait(timeoutSeconds: 0.3, graceSeconds: 0.5)
        XCTAssertEqual(outcome.stopReason, .timedOut)
        XCTAssertEqual(outcome.termination, .signaled(SIGKILL))
        XCTAssertGreaterThan(outcome.wallSeconds, 0.7)
        XCTAssertLessThan(outcome.wallSeconds, 3)
    }

    func testStopFromAnotherThreadCancelsAndSaysSo() throws {
        let child = try ChildProcess(ProcessLaunch(executable: "sleep", arguments: ["60"]))
        let stopper = Thread {
            MonotonicSleep.seconds(0.2); child.stop(.cancelled, graceSeconds: 2)
        }
        stopper.start()
        let outcome = child.wait(timeoutSeconds: 30)
        XCTAssertEqual(outcome.stopReason, .cancelled)
        XCTAssertEqual(outcome.termination, .signaled(SIGTERM))
        XCTAssertFalse(child.signalGroup(SIGTERM), "no signal once reaped")
    }

    func testProcessesLeftInTheGroupWhenTheLeaderExitsAreKilledAndDoNotHoldTheWaitUp() throws {
        // Test-only shell: it leaves a sleep behind holding stdout and stderr.
        let child = try ChildProcess(ProcessLaunch(executable: "/bin/sh", arguments: ["-c", "sleep 60 & exit 3"]))
        let outcome = child.wait(timeoutSeconds: 30)
        XCTAssertEqual(outcome.termination, .exited(3))
        XCTAssertLessThan(outcome.wallSeconds, 2)
        XCTAssertEqual(ProcessList.membersAfterDying(ofGroup: child.processID), [])
    }

    func testManyRunsLeaveNoDescriptorsOrZombiesBehindEvenWithoutAWait() throws {
        let before = ProcessList.openDescriptors()
        var pids: [pid_t] = []
        for _ in 0..<20 {
            let child = try ChildProcess(ProcessLaunch(executable: "true", arguments: []))
            pids.append(child.processID)
            _ = child.wait(timeoutSeconds: 10)
        }
        do {
            let abandoned = try ChildProcess(ProcessLaunch(executable: "sleep", arguments: ["60"]))
            pids.append(abandoned.processID)
        }
        XCTAssertEqual(ProcessList.descriptorsLeaked(since: before), [])
        XCTAssertEqual(pids.filter(ProcessList.exists), [], "every child was reaped")
    }

    func testCPUTimeComesFromTheChildsRusage() throws {
        let spec = FFmpegFixtures.spec(FFmpegFixtures.generatedJob(preset: "slow"))
        let invocation = try FFmpegCommandBuilder.build(spec: spec, workDirectory: "/tmp", threads: 1)
        let outcome = try ChildProcess(invocation.launch()).wait(timeoutSeconds: 30)
        XCTAssertTrue(outcome.succeeded, "\(outcome.logTail)")
        XCTAssertGreaterThan(outcome.cpuSeconds, 0.05)
        XCTAssertGreaterThan(outcome.userCPUSeconds, outcome.systemCPUSeconds)
        XCTAssertGreaterThan(outcome.maximumResidentBytes, 1 << 20)
    }

    func testTheLogTailCutsLongLinesSplitsCarriageReturnsAndKeepsOrder() {
        var tail = LogTail(capacity: 3, maximumLineBytes: 8)
        var lines: [String] = []
        tail.append(Array("one\rtwo\n\nthree-is-long\nfo".utf8), onLine: { lines.append($0) })
        tail.append(Array("ur".utf8), onLine: { lines.append($0) })
        tail.finish(onLine: { lines.append($0) })
        XCTAssertEqual(lines, ["one", "two", "three-is…", "four"])
        XCTAssertEqual(tail.lines, ["two", "three-is…", "four"])
    }
}

/// Sleeping in tests.
enum MonotonicSleep {
    static func seconds(_ seconds: Double) {
        usleep(useconds_t(seconds * 1_000_000))
    }
}
