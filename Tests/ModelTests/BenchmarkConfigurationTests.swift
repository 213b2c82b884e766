import Model
import XCTest

/// Configuration keys: equal only for runs that can be compared.
final class BenchmarkConfigurationTests: XCTestCase {
    private func spec(_ job: Job) throws -> JobSpec {
        try JobValidator().validate(job).get()
    }

    func testTheSameScenarioAtTwoResolutionsHasTwoKeys() throws {
        var small = Job(id: "a", scenario: "1080p30-h265")
        small.resolution = Resolution(width: 426, height: 240)
        var large = small
        large.id = "b"
        large.resolution = Resolution(width: 640, height: 360)
        let first = BenchmarkConfiguration(spec: try spec(small), result: nil)
        let second = BenchmarkConfiguration(spec: try spec(large), result: nil)
        XCTAssertNotEqual(first.key, second.key)
        XCTAssertTrue(first.key.contains("size=426x240"), first.key)
    }

    func testRepeatsOfOneJobShareAKeyAndTheKeyNamesEveryField() throws {
        let job = Job(
            id: "a",
            input: .generated(
                GeneratedInput(
                    pattern: .testsrc2, resolution: Resolution(width: 160, height: 90), fps: 30, durationSeconds: 1)),
            encoder: .libx264, preset: "veryfast", crf: 23)
        var repeated = job
        repeated.id = "a-r2"
        let key = BenchmarkConfiguration(spec: try spec(job), result: nil).key
        XCTAssertEqual(key, BenchmarkConfiguration(spec: try spec(repeated), result: nil).key)
        XCTAssertEqual(
            key,
            "encoder=libx264 preset=veryfast rc=crf:23 size=160x90 fps=30 pix=- input=generated:testsrc2 duration=1 scenario=-"
        )
    }

    func testBitrateAndCRFOfTheSameEncoderAreDifferentConfigurations() throws {
        let input = JobInput.generated(
            GeneratedInput(resolution: Resolution(width: 160, height: 90), fps: 30, durationSeconds: 1))
        let byBitrate = Job(id: "a", input: input, encoder: .libx264, bitrate: 1_000_000)
        let byQuality = Job(id: "b", input: input, encoder: .libx264, crf: 28)
        XCTAssertNotEqual(
            BenchmarkConfiguration(spec: try spec(byBitrate), result: nil).key,
            BenchmarkConfiguration(spec: try spec(byQuality), result: nil).key)
        XCTAssertEqual(BenchmarkConfiguration(spec: try spec(byBitrate), result: nil).label.contains("1M"), true)
    }

    func testAResultWithoutItsJobFallsBackOnItsFieldsAndArgv() {
        let result = JobResult(
            jobID: "a", nodeID: "n", attempt: 1, status: .succeeded, timings: .init(finishedAt: 1),
            ffmpeg: .init(
                frames: 30, averageFPS: 100, outputBytes: 1,
                argv: [
                    "ffmpeg", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30", "-c:v", "libx265", "-preset",
                    "fast", "-crf", "30", "-pix_fmt", "yuv420p", "out.mp4",
                ]),
            resourceLimitsMode: .none, encoder: .libx265, resolution: Resolution(width: 160, height: 90), fps: 30)
        let configuration = BenchmarkConfiguration(result: result)
        XCTAssertEqual(configuration.preset, "fast")
        XCTAssertEqual(configuration.rateControl, "crf")
        XCTAssertEqual(configuration.rateValue, 30)
        XCTAssertEqual(configuration.pixelFormat, "yuv420p")
        XCTAssertEqual(configuration.input, "generated:testsrc2")
        XCTAssertEqual(configuration.resolution, "160x90")
    }

    func testTheHardwareKeyNamesTheNodeAndItsProcessors() {
        let hardware = Hardware(
            cpuModel: "Test CPU", cores: 2, threads: 4, ramMegabytes: 1024,
            gpus: [Hardware.GPU(index: 0, name: "Test GPU", memoryMegabytes: 8, driver: "1")])
        XCTAssertEqual(HardwareKey(nodeID: "n1", hardware: hardware).key, "node=n1 cpu=Test CPU gpu=Test GPU")
        XCTAssertEqual(HardwareKey(nodeID: "n1", hardware: nil).key, "node=n1 cpu=- gpu=-")
    }
}
