@testable import Agent
import Model
import XCTest

/// Per-GPU slots (issue 12 item 13): each GPU job gets the least loaded GPU, and ffmpeg is told which.
final class GPUSlotsTests: XCTestCase {
    func testEachJobGetsAFreeGPUUntilEveryGPUIsBusyThenTheLeastLoaded() {
        let slots = GPUSlots()
        XCTAssertEqual(slots.claim("a", among: [0, 1]), 0)
        XCTAssertEqual(slots.claim("b", among: [0, 1]), 1, "GPU 0 is busy: the job gets GPU 1, not GPU 0 again")
        XCTAssertEqual(slots.claim("a", among: [0, 1]), 0, "a job keeps the GPU it was given")
        XCTAssertEqual(slots.claim("c", among: [0, 1]), 0, "both busy: the lowest index among the least loaded")
        slots.release("b")
        XCTAssertEqual(slots.claim("d", among: [0, 1]), 1, "GPU 1 is free again")
        XCTAssertEqual(slots.gpu(of: "d"), 1)
        XCTAssertNil(slots.claim("e", among: []), "no GPU: none given")
    }

    func testAnNVENCJobIsToldItsGPUAndOtherEncodersAreNot() throws {
        var options = FFmpegBuildOptions()
        options.gpu = 1
        let nvenc = try FFmpegCommandBuilder.build(
            spec: FFmpegFixtures.spec(FFmpegFixtures.generatedJob(encoder: .h264NVENC, bitrate: 5_000_000)),
            workDirectory: "/work/job", options: options)
        let index = try XCTUnwrap(nvenc.argv.firstIndex(of: "-gpu"))
        XCTAssertEqual(nvenc.argv[index + 1], "1")
        XCTAssertGreaterThan(index, try XCTUnwrap(nvenc.argv.firstIndex(of: "-c:v")), "an encoder option")
        let cpu = try FFmpegCommandBuilder.build(
            spec: FFmpegFixtures.spec(FFmpegFixtures.generatedJob(encoder: .libx264, bitrate: 5_000_000)),
            workDirectory: "/work/job", options: options)
        XCTAssertFalse(cpu.argv.contains("-gpu"))
    }
}
