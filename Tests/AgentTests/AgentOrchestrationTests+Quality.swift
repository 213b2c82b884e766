@testable import Agent
import Model
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
