import Model
import XCTest

/// How a job's scenario, explicit fields and defaults combine into a spec.
final class JobExpansionTests: XCTestCase {
    func testAScenarioAloneGivesItsFullPreset() throws {
        let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"1080p60-h265""#)))
        XCTAssertEqual(spec.encoder, .libx265)
        XCTAssertEqual(spec.preset, "medium")
        XCTAssertEqual(spec.rateControl, .bitrate(6_000_000))
        XCTAssertEqual(spec.resolution, .fullHD)
        XCTAssertEqual(spec.fps, 60)
        XCTAssertEqual(spec.gop, 120)
        XCTAssertEqual(spec.input, .generated(pattern: .testsrc2, resolution: .fullHD, fps: 60, durationSeconds: 10))
        XCTAssertEqual(spec.output, .null)
        XCTAssertEqual(spec.timeoutSeconds, 3600)
        XCTAssertEqual(spec.priority, 5)
        XCTAssertEqual(spec.quality, [])
        XCTAssertEqual(spec.labels, [:])
        XCTAssertNil(spec.cpuPercent)
        XCTAssertNil(spec.memoryMegabytes)
    }

    func testExplicitSizeRateAndDurationOverrideTheScenarioAndTheGeneratedSourceFollows() throws {
        let spec = try XCTUnwrap(
            accept(jobJSON(#""scenario":"1080p60-h265","resolution":"1280x720","fps":25,"duration_s":3"#)))
        XCTAssertEqual(spec.resolution, .hd720)
        XCTAssertEqual(spec.fps, 25)
        XCTAssertEqual(spec.gop, 50, "the keyframe interval follows the new rate")
        XCTAssertEqual(spec.durationSeconds, 3)
        XCTAssertEqual(spec.input, .generated(pattern: .testsrc2, resolution: .hd720, fps: 25, durationSeconds: 3))
        XCTAssertEqual(spec.encoder, .libx265, "what was not overridden stays")
    }

    func testAnExplicitEncoderMovesTheJobToItsQueueWithThatEncodersDefaultPreset() throws {
        let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"1080p30-h264","encoder":"h264_nvenc""#)))
        XCTAssertEqual(spec.encoder, .h264NVENC)
        XCTAssertEqual(spec.preset, "p4")
        XCTAssertEqual(spec.subject, "job.nvenc")
        XCTAssertEqual(spec.rateControl, .bitrate(6_000_000))
    }

    func testExplicitPresetGopAndCRFOverrideTheScenario() throws {
        let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"720p30-h264","preset":"veryslow","gop":15,"crf":20"#)))
        XCTAssertEqual(spec.preset, "veryslow")
        XCTAssertEqual(spec.gop, 15)
        XCTAssertEqual(spec.rateControl, .constantQuality(20), "crf replaces the scenario's bitrate")
    }

    func testAnExplicitInputReplacesTheScenariosGeneratedSource() throws {
        let spec = try XCTUnwrap(
            accept(jobJSON(#""scenario":"720p30-h264","input":{"type":"file","path":"/media/a.mp4"}"#)))
        XCTAssertEqual(spec.input, .file(path: "/media/a.mp4"))
        XCTAssertEqual(spec.resolution, .hd720, "the output still follows the scenario")
        XCTAssertNil(spec.durationSeconds, "a file is encoded whole unless duration_s says otherwise")
    }

    func testAGeneratedSourceTakesMissingSizeAndRateFromTheOutput() throws {
        let spec = try XCTUnwrap(
            accept(
                jobJSON(
                    #""encoder":"libx264","resolution":"640x360","fps":24,"#
                        + #""input":{"type":"generated","pattern":"smptebars","duration_s":2}"#)))
        XCTAssertEqual(
            spec.input,
            .generated(pattern: .smptebars, resolution: .init(width: 640, height: 360), fps: 24, durationSeconds: 2))
        XCTAssertEqual(spec.durationSeconds, 2)
        XCTAssertEqual(spec.rateControl, .encoderDefault)
        XCTAssertEqual(spec.preset, "medium")
    }

    func testAnOutputTakesMissingSizeAndRateFromAGeneratedSource() throws {
        let spec = try XCTUnwrap(
            accept(
                jobJSON(
                    #""encoder":"libvpx-vp9","input":{"type":"generated","pattern":"testsrc","#
                        + #""resolution":"320x240","fps":15,"duration_s":1}"#)))
        XCTAssertEqual(spec.resolution, .init(width: 320, height: 240))
        XCTAssertEqual(spec.fps, 15)
        XCTAssertEqual(spec.gop, 30)
    }

    func testAGeneratedSourceTakesItsLengthFromDuration() throws {
        let spec = try XCTUnwrap(
            accept(
                jobJSON(
                    #""encoder":"libx264","duration_s":4,"#
                        + #""input":{"type":"generated","pattern":"testsrc2","resolution":"320x240","fps":30}"#)))
        XCTAssertEqual(
            spec.input,
            .generated(pattern: .testsrc2, resolution: .init(width: 320, height: 240), fps: 30, durationSeconds: 4))
    }

    func testAFileInputWithoutSizeOrRateKeepsTheSources() throws {
        let spec = try XCTUnwrap(
            accept(jobJSON(#""encoder":"libx264","input":{"type":"file","path":"/media//clips/./a.mp4"}"#)))
        XCTAssertEqual(spec.input, .file(path: "/media/clips/a.mp4"), "the path is normalized")
        XCTAssertNil(spec.resolution)
        XCTAssertNil(spec.fps)
        XCTAssertNil(spec.gop, "unknown rate: the encoder's keyframe default")
    }

    func testDefaultsComeFromThePolicy() throws {
        var policy = ValidationPolicy.testing
        policy.defaultTimeoutSeconds = 90
        policy.defaultPriority = 2
        let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"720p30-h264""#), policy: policy))
        XCTAssertEqual(spec.timeoutSeconds, 90)
        XCTAssertEqual(spec.priority, 2)
    }

    func testAllOtherFieldsArePassedThrough() throws {
        let spec = try XCTUnwrap(
            accept(
                jobJSON(
                    #""scenario":"720p30-h264","quality":["ssim","psnr"],"limits":{"cpu_percent":150,"#
                        + #""memory_mb":512,"timeout_s":30},"priority":9,"labels":{"run":"a"},"#
                        + #""output":{"type":"url","url":"rtmp://live.example:1935/app/key"},"submitted_at":12"#)))
        XCTAssertEqual(spec.quality, [.psnr, .ssim])
        XCTAssertEqual(spec.cpuPercent, 150)
        XCTAssertEqual(spec.memoryMegabytes, 512)
        XCTAssertEqual(spec.timeoutSeconds, 30)
        XCTAssertEqual(spec.priority, 9)
        XCTAssertEqual(spec.labels, ["run": "a"])
        XCTAssertEqual(spec.output, .url("rtmp://live.example:1935/app/key"))
        XCTAssertEqual(spec.submittedAt, 12)
    }

    func testTheExplicitFormOfASpecValidatesToTheSameSpec() throws {
        for json in [
            jobJSON(#""scenario":"4k30-av1-nvenc","crf":30,"quality":["psnr"]"#),
            jobJSON(#""scenario":"1080p-h265-vaapi""#),
            jobJSON(#""encoder":"libx264","input":{"type":"url","url":"srt://cam:9000"},"duration_s":5"#),
        ] {
            let spec = try XCTUnwrap(accept(json))
            XCTAssertEqual(JobValidator(policy: .testing).validate(spec.job), .success(spec))
        }
    }
}
