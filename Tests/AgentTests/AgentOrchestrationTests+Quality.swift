@testable import Agent
import Model
import Support
import XCTest

/// Quality metrics an agent's ffmpeg can or cannot measure.
extension AgentOrchestrationTests {
    func testAVMAFJobOnANodeWithoutLibvmafIsRejectedSayingWhyAndNeverRun() throws {
        let executor = ScriptedExecutor()
        try startAgent(executor: executor)
        try submit(Job(id: "vmaf-1", scenario: "720p30-h264", durationSeconds: 2, quality: [.ssim, .vmaf]))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .rejected)
        XCTAssertEqual(result.rejectField, "quality")
        let reason = result.error ?? ""
        XCTAssertTrue(reason.contains("cannot measure vmaf"), reason)
        XCTAssertTrue(reason.contains("--enable-libvmaf"), reason)
        XCTAssertFalse(reason.contains("ssim"), "ssim can be measured here: \(reason)")
        XCTAssertEqual(result.provenance?.qualityMetrics, ["psnr", "ssim"])
        XCTAssertEqual(executor.runs.load(ordering: .relaxed), 0)
    }

    func testANodeWhoseFFmpegHasLibvmafRunsAVMAFJobAndAdvertisesVMAF() throws {
        try startAgent(probe: FixedProbe(metrics: [.psnr, .ssim, .vmaf]))
        try submit(Job(id: "vmaf-2", scenario: "720p30-h264", durationSeconds: 2, quality: [.vmaf]))
        let result = try XCTUnwrap(waitForResults(1).first)
        XCTAssertEqual(result.status, .succeeded, result.error ?? "")
        XCTAssertEqual(result.provenance?.qualityMetrics, ["psnr", "ssim", "vmaf"])
    }
}

extension AgentOrchestrationTests {
    func testATargetQualityJobReportsItsProbesWithTheirEnergyAndTheChosenProbesFigures() throws {
        let work = folder + "/ffmpeg-work"
        try DurableFiles.makeDirectories(work)
        try startAgent(
            executor: FFmpegJobExecutor(
                configuration: FFmpegRunConfiguration(workDirectory: work, minimumFreeBytes: 0, threads: 1),
                limiter: ResourceLimiter(configuration: ResourceLimitConfiguration(preference: .none))))
        var job = Job(
            id: "target-1", input: .generated(GeneratedInput(pattern: .testsrc2)), encoder: .libx264,
            preset: "ultrafast", resolution: Resolution(width: 160, height: 120), fps: 15, durationSeconds: 1)
        job.targetQuality = QualityTarget(metric: .ssim, score: 0.9)
        try submit(job)
        let result = try XCTUnwrap(waitForResults(1, seconds: 60).first)
        XCTAssertEqual(result.status, .succeeded, result.error ?? "")
        XCTAssertNil(result.implausibleField)
        let search = try XCTUnwrap(result.targetSearch)
        XCTAssertTrue(search.reached)
        XCTAssertTrue((2...6).contains(search.probes.count), "\(search.probes)")
        XCTAssertTrue(search.probes.allSatisfy { $0.joules != nil }, "each probe has its own energy window")
        let chosen = try XCTUnwrap(search.probes.first { $0.crf == search.crf })
        XCTAssertEqual(result.quality?.ssim, chosen.score)
        XCTAssertEqual(result.energy?.totalJoules, chosen.joules)
    }
}
