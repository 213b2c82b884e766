import Model
import XCTest

@testable import Agent

#if canImport(Glibc)
    import Glibc
#endif

final class FFmpegRunTests: XCTestCase {
    private let work = ScratchDirectory()
    /// No cgroup v2 under an empty folder: rlimits or nothing, as on this machine.
    private lazy var noCgroups = ResourceLimiter(
        configuration: ResourceLimitConfiguration(controlGroupRoot: work.path + "/no-cgroup", cores: 2))

    private func run(
        _ job: Job, policy: ValidationPolicy = ValidationPolicy(), limiter: ResourceLimiter? = nil,
        configure: (inout FFmpegRunConfiguration) -> Void = { _ in }
    ) -> FFmpegRun {
        var configuration = FFmpegRunConfiguration(
            workDirectory: work.path, minimumFreeBytes: 1 << 20, allowedInputRoots: policy.allowedRoots, threads: 1)
        configure(&configuration)
        return FFmpegRun(
            spec: FFmpegFixtures.spec(job, policy: policy), configuration: configuration, limiter: limiter ?? noCgroups)
    }

    func testANullJobReportsFramesSpeedBytesBitrateCPUAndLeavesNoWorkFiles() {
        var progress: [FFmpegProgress] = []
        var startedProcess: Int32?
        var ended = false
        let observer = FFmpegRunObserver(
            started: { pid, group, _ in
                startedProcess = pid
                XCTAssertNil(group)
            }, progress: { progress.append($0) }, encodeEnded: { _, _ in ended = true })
        let report = run(FFmpegFixtures.generatedJob(preset: "veryfast", bitrate: 400_000)).execute(observer: observer)
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertNil(report.error)
        let statistics = report.statistics
        XCTAssertEqual(statistics?.frames, 60)
        XCTAssertGreaterThan(statistics?.averageFPS ?? 0, 10)
        XCTAssertNotNil(statistics?.speed)
        XCTAssertGreaterThan(statistics?.outputBytes ?? 0, 20_000, "the elementary stream's size")
        XCTAssertEqual(statistics?.bitrateKilobits ?? 0, 400, accuracy: 200)
        XCTAssertEqual(statistics?.argv.first, "ffmpeg")
        XCTAssertEqual(statistics?.droppedFrames, 0)
        XCTAssertEqual(statistics?.duplicatedFrames, 0)
        XCTAssertEqual(Array(statistics?.argv.suffix(5) ?? []), ["-threads", "1", "-f", "h264", "/dev/null"])
        XCTAssertGreaterThan(report.cpuSeconds, 0.02)
        XCTAssertGreaterThan(report.wallSeconds, 0)
        XCTAssertNotNil(report.startedAt)
        XCTAssertGreaterThan(report.peakMemoryBytes ?? 0, 1 << 20)
        XCTAssertEqual(report.resourceLimitsMode, .none)
        XCTAssertNotNil(startedProcess)
        XCTAssertTrue(ended)
        XCTAssertEqual(progress.last?.isEnd, true)
        XCTAssertEqual(ScratchDirectory.list(work.path), [], "the job's folder is gone")
    }

    func testDroppedAndDuplicatedFramesOfTheLastProgressBlockAreReported() {
        let spec = FFmpegFixtures.spec(FFmpegFixtures.generatedJob())
        let invocation = FFmpegInvocation(argv: ["ffmpeg"], workDirectory: work.path)
        let outcome = ProcessOutcome(
            termination: .exited(0), userCPUSeconds: 1, systemCPUSeconds: 0, maximumResidentBytes: 0, wallSeconds: 2,
            logTail: [])
        let progress = FFmpegProgress(frame: 60, duplicatedFrames: 4, droppedFrames: 9, isEnd: true)
        let statistics = FFmpegRun.statistics(spec, invocation, outcome: outcome, progress: progress)
        XCTAssertEqual(statistics.droppedFrames, 9)
        XCTAssertEqual(statistics.duplicatedFrames, 4)
        let silent = FFmpegRun.statistics(spec, invocation, outcome: outcome, progress: nil)
        XCTAssertNil(silent.droppedFrames, "no progress block: not known, not 0")
        XCTAssertNil(silent.duplicatedFrames)
    }

    func testAFileOutputIsAnMP4WhoseBytesAreCountedAndThenRemoved() {
        let report = run(FFmpegFixtures.generatedJob(output: .file(name: "out.mp4"))).execute()
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertGreaterThan(report.statistics?.outputBytes ?? 0, 10_000)
        XCTAssertTrue(report.statistics?.argv.last?.hasSuffix("/out.mp4") ?? false)
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testATimedOutJobKillsItsProcessGroupAndLeavesNoFFmpegRunning() {
        var pid: Int32 = 0
        let job = FFmpegFixtures.generatedJob(duration: 3600, limits: JobLimits(timeoutSeconds: 1))
        let report = run(job).execute(observer: FFmpegRunObserver(started: { started, _, _ in pid = started }))
        XCTAssertEqual(report.status, .timedOut)
        XCTAssertTrue(report.error?.contains("timeout") ?? false)
        XCTAssertLessThan(report.wallSeconds, 4)
        XCTAssertGreaterThan(report.statistics?.frames ?? 0, 0, "progress up to the timeout is kept")
        XCTAssertNotEqual(pid, 0)
        XCTAssertEqual(ProcessList.membersAfterDying(ofGroup: pid), [], "nothing of ffmpeg's group is left")
        XCTAssertFalse(ProcessList.exists(pid))
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testCancelStopsARunningJobAndACancelledJobNeverStarts() {
        let running = run(FFmpegFixtures.generatedJob(duration: 3600))
        let canceller = Thread {
            MonotonicSleep.seconds(0.5)
            running.cancel()
        }
        canceller.start()
        let report = running.execute()
        XCTAssertEqual(report.status, .cancelled)
        XCTAssertLessThan(report.wallSeconds, 4)

        let early = run(FFmpegFixtures.generatedJob())
        early.cancel()
        var started = false
        let never = early.execute(observer: FFmpegRunObserver(started: { _, _, _ in started = true }))
        XCTAssertEqual(never.status, .cancelled)
        XCTAssertFalse(started)
    }

    func testTooLittleDiskSpaceRefusesTheJobBeforeFFmpegStarts() {
        var started = false
        let report = run(FFmpegFixtures.generatedJob(output: .file(name: "big.mp4"))) {
            $0.minimumFreeBytes = Int64.max / 4
        }.execute(observer: FFmpegRunObserver(started: { _, _, _ in started = true }))
        XCTAssertEqual(report.status, .notStarted)
        XCTAssertTrue(report.error?.contains("MB free; this job needs") ?? false, report.error ?? "")
        XCTAssertFalse(started)
        XCTAssertNil(report.statistics)
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testTheOutputEstimateCountsOnlyFilesWrittenToTheWorkDirectory() throws {
        let spec = FFmpegFixtures.spec(FFmpegFixtures.generatedJob(bitrate: 8_000_000, output: .file(name: "a.mp4")))
        let invocation = try FFmpegCommandBuilder.build(spec: spec, workDirectory: "/w")
        XCTAssertEqual(DiskSpace.estimatedBytes(spec: spec, invocation: invocation), 3_000_000)
        let null = FFmpegFixtures.spec(FFmpegFixtures.generatedJob(bitrate: 8_000_000))
        XCTAssertEqual(
            DiskSpace.estimatedBytes(
                spec: null, invocation: try FFmpegCommandBuilder.build(spec: null, workDirectory: "/w")),
            0)
        XCTAssertGreaterThan(try DiskSpace.freeBytes(at: work.path), 0)
        XCTAssertThrowsError(try DiskSpace.freeBytes(at: "/nonexistent-ffrtmp"))
    }

    func testAMissingFFmpegMeansNotStartedForAnotherAgentToTry() {
        let report = run(FFmpegFixtures.generatedJob()) { $0.ffmpegPath = "/nonexistent/ffmpeg" }.execute()
        XCTAssertEqual(report.status, .notStarted)
        XCTAssertTrue(report.error?.contains("ffmpeg did not start") ?? false, report.error ?? "")
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testAnEncoderWithoutItsHardwareFailsWithFFmpegsOwnError() {
        let report = run(FFmpegFixtures.generatedJob(encoder: .h264NVENC)).execute()
        XCTAssertEqual(report.status, .failed)
        XCTAssertTrue(report.error?.hasPrefix("ffmpeg exit status 1: ") ?? false, report.error ?? "")
        XCTAssertFalse(report.statistics?.logTail.isEmpty ?? true)
    }

    func testAStreamOutputWithAnUnsupportedCodecIsRejectedBeforeAnythingRuns() {
        let report = run(FFmpegFixtures.generatedJob(encoder: .libvpxVP9, output: .url("rtmp://127.0.0.1/live/x")))
            .execute()
        guard case .rejected(let rejection) = report.status else { return XCTFail("\(report.status)") }
        XCTAssertEqual(rejection.field, "output.url")
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testFileInputsRunFromTheirRealPathAndALinkOutOfTheRootsIsRejected() throws {
        let media = ScratchDirectory()
        let source = try ProcessCapture.run(
            ProcessLaunch(
                executable: "ffmpeg",
                arguments: [
                    "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-t", "1", "-i",
                    "testsrc2=size=320x240:rate=30", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
                    media.path + "/source.mp4",
                ]), timeoutSeconds: 30)
        XCTAssertTrue(source.outcome.succeeded, "\(source.outcome.logTail)")
        symlink(media.path + "/source.mp4", media.path + "/alias.mp4")
        symlink("/etc/passwd", media.path + "/escape.mp4")
        var policy = ValidationPolicy()
        policy.allowedRoots = [media.path]

        let job = Job(id: "job-f", input: .file(path: media.path + "/alias.mp4"), encoder: .libx264, fps: 30)
        let report = run(job, policy: policy).execute()
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertEqual(report.statistics?.frames, 30)
        XCTAssertTrue(report.statistics?.argv.contains(media.path + "/source.mp4") ?? false)

        let escape = run(
            Job(id: "job-g", input: .file(path: media.path + "/escape.mp4"), encoder: .libx264), policy: policy
        )
        .execute()
        guard case .rejected(let rejection) = escape.status else { return XCTFail("\(escape.status)") }
        XCTAssertEqual(rejection.field, "input.path")
        XCTAssertTrue(rejection.reason.contains("/etc/passwd"))

        let missing = run(
            Job(id: "job-h", input: .file(path: media.path + "/gone.mp4"), encoder: .libx264), policy: policy
        )
        .execute()
        XCTAssertEqual(missing.status, .notStarted)

        mkfifo(media.path + "/pipe.mp4", 0o644)
        let fifoJob = Job(id: "job-i", input: .file(path: media.path + "/pipe.mp4"), encoder: .libx264)
        let fifo = run(fifoJob, policy: policy).execute()
        let notRegular = JobRejection(field: "input.path", reason: "is not a regular file", jobID: "job-i")
        XCTAssertEqual(fifo.status, .rejected(notRegular))
    }

    func testInACgroupTheJobIsCountedByItsCgroupAndTheEnergyMeterIsToldItsPath() {
        let root = ScratchDirectory()
        root.write("cgroup.controllers", "cpu memory\n")
        root.write("cgroup.subtree_control", "cpu memory\n")
        let limiter = ResourceLimiter(
            configuration: ResourceLimitConfiguration(controlGroupRoot: root.path), files: FakeControlGroupFiles())
        var group: String?
        let report = run(FFmpegFixtures.generatedJob(id: "job-c", limits: JobLimits(cpuPercent: 100)), limiter: limiter)
            .execute(observer: FFmpegRunObserver(started: { _, path, _ in group = path }))
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertEqual(report.resourceLimitsMode, .cgroup)
        XCTAssertEqual(group, "ffrtmp-job-c")
        XCTAssertEqual(report.peakMemoryBytes, 73_400_320)
        XCTAssertGreaterThanOrEqual(report.cpuSeconds, 1.234567, "the cgroup counted more than rusage")
        XCTAssertEqual(Array(report.statistics?.argv.suffix(5) ?? []), ["-threads", "1", "-f", "h264", "/dev/null"])
        XCTAssertNil(ScratchDirectory.list(root.path + "/ffrtmp-job-c"))
    }
}
