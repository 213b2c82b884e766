import Model
import XCTest

/// Each validation rule, at and just past its limits.
final class JobValidationRuleTests: XCTestCase {
    private let scenario = #""scenario":"720p30-h264","#

    func testIdsAreULIDsUUIDsOrPlainTokensWithoutDots() {
        for id in [
            "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", "550e8400-e29b-41d4-a716-446655440000", "job_1",
            String(repeating: "a", count: 64),
        ] {
            XCTAssertNotNil(accept(#"{"v":1,"id":"\#(id)","scenario":"720p30-h264"}"#), id)
        }
        for id in ["", "a.b", "a*", "a>", "-a", "_a", "a b", "a/b", String(repeating: "a", count: 65), "é"] {
            reject(#"{"v":1,"id":"\#(id)","scenario":"720p30-h264"}"#, field: "id")
        }
    }

    func testAJobNeedsAnEncoderOrAScenario() {
        let rejection = reject(jobJSON(#""input":{"type":"url","url":"srt://a:1"}"#), field: "encoder")
        XCTAssertEqual(rejection?.reason, "required: name an encoder or a scenario")
    }

    func testAJobNeedsAnInputOrAScenario() {
        reject(jobJSON(#""encoder":"libx264""#), field: "input")
    }

    func testUnknownScenariosAreRejected() {
        reject(jobJSON(#""scenario":"1080p120-h264""#), field: "scenario")
    }

    func testPresetsMustBelongToTheEncoder() {
        XCTAssertEqual(accept(jobJSON(scenario + #""encoder":"libsvtav1","preset":"12""#))?.preset, "12")
        XCTAssertEqual(accept(jobJSON(scenario + #""encoder":"av1_nvenc","preset":"p7""#))?.preset, "p7")
        reject(jobJSON(scenario + #""preset":"p4""#), field: "preset")
        reject(jobJSON(scenario + #""encoder":"h264_nvenc","preset":"medium""#), field: "preset")
        let rejection = reject(jobJSON(scenario + #""encoder":"h264_vaapi","preset":"fast""#), field: "preset")
        XCTAssertEqual(rejection?.reason, "h264_vaapi takes no preset")
    }

    func testBitrateAndCRFAreExclusive() {
        reject(jobJSON(scenario + #""bitrate":1000000,"crf":23"#), field: "crf")
    }

    func testBitrateIsBetween16KilobitsAnd200Megabits() {
        XCTAssertEqual(accept(jobJSON(scenario + #""bitrate":16000"#))?.rateControl, .bitrate(16_000))
        XCTAssertEqual(accept(jobJSON(scenario + #""bitrate":200000000"#))?.rateControl, .bitrate(200_000_000))
        reject(jobJSON(scenario + #""bitrate":15999"#), field: "bitrate")
        reject(jobJSON(scenario + #""bitrate":200000001"#), field: "bitrate")
    }

    func testCRFFollowsEachEncodersRange() {
        XCTAssertNotNil(accept(jobJSON(scenario + #""crf":51"#)))
        reject(jobJSON(scenario + #""crf":52"#), field: "crf")
        XCTAssertNotNil(accept(jobJSON(scenario + #""encoder":"libsvtav1","crf":63"#)))
        reject(jobJSON(scenario + #""encoder":"libsvtav1","crf":64"#), field: "crf")
        reject(jobJSON(scenario + #""encoder":"h264_qsv","crf":0"#), field: "crf")
        XCTAssertNotNil(accept(jobJSON(scenario + #""encoder":"h264_qsv","crf":1"#)))
    }

    func testResolutionIsAtLeast16x16AtMost8KInEitherOrientationAndEven() {
        for good in ["16x16", "7680x4320", "4320x7680", "2160x3840", "1920x1080"] {
            XCTAssertNotNil(accept(jobJSON(scenario + #""resolution":"\#(good)""#)), good)
        }
        for bad in ["14x16", "16x14", "7682x4320", "7680x4322", "7680x7680", "1921x1080", "1920x1081", "0x0"] {
            reject(jobJSON(scenario + #""resolution":"\#(bad)""#), field: "resolution")
        }
        for malformed in ["1920*1080", "1920x", "x1080", "1920x1080x3", "-16x16", "1080p", " 16x16"] {
            reject(jobJSON(scenario + #""resolution":"\#(malformed)""#), field: "resolution")
        }
        reject(
            jobJSON(
                #""encoder":"libx264","input":{"type":"generated","pattern":"testsrc2","#
                    + #""resolution":"15x15","fps":1,"duration_s":1}"#), field: "input.resolution")
    }

    func testFrameRateIsBetween1And240() {
        XCTAssertEqual(accept(jobJSON(scenario + #""fps":29.97"#))?.fps, 29.97)
        XCTAssertNotNil(accept(jobJSON(scenario + #""fps":240"#)))
        reject(jobJSON(scenario + #""fps":0.5"#), field: "fps")
        reject(jobJSON(scenario + #""fps":241"#), field: "fps")
        reject(
            jobJSON(
                #""encoder":"libx264","input":{"type":"generated","pattern":"testsrc2","#
                    + #""resolution":"64x64","fps":500,"duration_s":1}"#), field: "input.fps")
    }

    func testDurationIsBetweenATenthOfASecondAndAnHour() {
        XCTAssertNotNil(accept(jobJSON(scenario + #""duration_s":0.1"#)))
        XCTAssertNotNil(accept(jobJSON(scenario + #""duration_s":3600"#)))
        reject(jobJSON(scenario + #""duration_s":0.05"#), field: "duration_s")
        reject(jobJSON(scenario + #""duration_s":3601"#), field: "duration_s")
        reject(
            jobJSON(scenario + #""input":{"type":"generated","pattern":"testsrc2","duration_s":7200}"#),
            field: "input.duration_s")
    }

    func testAGeneratedSourceMustEndUpWithSizeRateAndDuration() {
        let base = #""encoder":"libx264","input":{"type":"generated","pattern":"testsrc2""#
        reject(jobJSON(base + #","fps":30,"duration_s":1}"#), field: "input.resolution")
        reject(jobJSON(base + #","resolution":"64x64","duration_s":1}"#), field: "input.fps")
        let rejection = reject(jobJSON(base + #","resolution":"64x64","fps":30}"#), field: "input.duration_s")
        XCTAssertEqual(rejection?.reason, "a generated source needs a duration (or give duration_s)")
    }

    func testGopIsBetween1And1000() {
        XCTAssertNotNil(accept(jobJSON(scenario + #""gop":1"#)))
        XCTAssertNotNil(accept(jobJSON(scenario + #""gop":1000"#)))
        reject(jobJSON(scenario + #""gop":0"#), field: "gop")
        reject(jobJSON(scenario + #""gop":1001"#), field: "gop")
    }

    func testTimeoutIsBetweenASecondAndADay() {
        XCTAssertEqual(accept(jobJSON(scenario + #""limits":{"timeout_s":86400}"#))?.timeoutSeconds, 86_400)
        reject(jobJSON(scenario + #""limits":{"timeout_s":0}"#), field: "limits.timeout_s")
        reject(jobJSON(scenario + #""limits":{"timeout_s":86401}"#), field: "limits.timeout_s")
    }

    func testCPUPercentIsAtMostAHundredTimesTheCores() {
        var policy = ValidationPolicy.testing
        policy.cores = 4
        XCTAssertEqual(accept(jobJSON(scenario + #""limits":{"cpu_percent":400}"#), policy: policy)?.cpuPercent, 400)
        reject(jobJSON(scenario + #""limits":{"cpu_percent":401}"#), field: "limits.cpu_percent", policy: policy)
        reject(jobJSON(scenario + #""limits":{"cpu_percent":0}"#), field: "limits.cpu_percent", policy: policy)
    }

    func testMemoryIsBetween64MegabytesAnd64Gigabytes() {
        XCTAssertNotNil(accept(jobJSON(scenario + #""limits":{"memory_mb":64}"#)))
        XCTAssertNotNil(accept(jobJSON(scenario + #""limits":{"memory_mb":65536}"#)))
        reject(jobJSON(scenario + #""limits":{"memory_mb":63}"#), field: "limits.memory_mb")
        reject(jobJSON(scenario + #""limits":{"memory_mb":65537}"#), field: "limits.memory_mb")
    }

    func testPriorityIsBetween0And9() {
        XCTAssertEqual(accept(jobJSON(scenario + #""priority":0"#))?.priority, 0)
        reject(jobJSON(scenario + #""priority":10"#), field: "priority")
        reject(jobJSON(scenario + #""priority":-1"#), field: "priority")
    }

    func testLabelsAreBoundedInNumberKeysAndValues() {
        let thirtyTwo = (0..<32).map { #""k\#($0)":"v""# }.joined(separator: ",")
        XCTAssertNotNil(accept(jobJSON(scenario + #""labels":{\#(thirtyTwo)}"#)))
        reject(jobJSON(scenario + #""labels":{\#(thirtyTwo),"k32":"v"}"#), field: "labels")
        XCTAssertNotNil(accept(jobJSON(scenario + #""labels":{"a.b-c_9":"\#(String(repeating: "é", count: 256))"}"#)))
        reject(jobJSON(scenario + #""labels":{"a":"\#(String(repeating: "é", count: 257))"}"#), field: "labels.a")
        for key in ["", "Upper", "sp ace", "a/b", String(repeating: "k", count: 65)] {
            reject(jobJSON(scenario + #""labels":{"\#(key)":"v"}"#), field: "labels")
        }
        reject(jobJSON(scenario + #""labels":{"a":"line\nbreak"}"#), field: "labels.a")
    }

    func testQualityMetricsAreListedAtMostOnce() {
        XCTAssertEqual(accept(jobJSON(scenario + #""quality":["psnr"]"#))?.quality, [.psnr])
        reject(jobJSON(scenario + #""quality":["psnr","psnr"]"#), field: "quality")
        reject(jobJSON(scenario + #""quality":["lpips"]"#), field: "quality[0]")
        XCTAssertEqual(accept(jobJSON(scenario + #""quality":["vmaf","ssim"]"#))?.quality, [.vmaf, .ssim])
    }

    func testOutputFilesArePlainNamesInTheWorkDirectory() {
        XCTAssertEqual(
            accept(jobJSON(scenario + #""output":{"type":"file","name":"out.1080p.mp4"}"#))?.output,
            .file(name: "out.1080p.mp4"))
        for name in [
            "", ".hidden", "-y.mp4", "a/b.mp4", "/tmp/x.mp4", "..", "a b.mp4", "out%03d.png", "pipe:1",
            String(repeating: "a", count: 129),
        ] {
            reject(jobJSON(scenario + #""output":{"type":"file","name":"\#(name)"}"#), field: "output.name")
        }
    }

    func testFileInputsNeedAnAllowedRoot() {
        let rejection = reject(
            jobJSON(scenario + #""input":{"type":"file","path":"/media/a.mp4"}"#), field: "input.path",
            policy: ValidationPolicy())
        XCTAssertEqual(rejection?.reason, "file inputs are not allowed here (no allowed roots are configured)")
        reject(jobJSON(scenario + #""input":{"type":"file","path":"/srv/a.mp4"}"#), field: "input.path")
        reject(jobJSON(scenario + #""input":{"type":"file","path":"/media"}"#), field: "input.path")
        reject(jobJSON(scenario + #""input":{"type":"file","path":"/mediaX/a.mp4"}"#), field: "input.path")
    }

    func testSubmittedAtIsNotNegative() {
        reject(jobJSON(scenario + #""submitted_at":-1"#), field: "submitted_at")
    }

    func testStringsLongerThanTheLimitAreRejected() {
        var policy = ValidationPolicy.testing
        policy.maximumStringBytes = 32
        let long = "/media/" + String(repeating: "a", count: 30)
        reject(jobJSON(scenario + #""input":{"type":"file","path":"\#(long)"}"#), field: "input.path", policy: policy)
    }

    func testARejectionCarriesTheJobsIdWhenItIsValid() {
        XCTAssertEqual(reject(jobJSON(#""scenario":"nope""#), field: "scenario")?.jobID, "job-1")
        XCTAssertEqual(reject(jobJSON(#""scenario":"720p30-h264","wat":1"#), field: "wat")?.jobID, "job-1")
        XCTAssertNil(reject(#"{"v":1,"id":"a.b","scenario":"720p30-h264"}"#, field: "id")?.jobID)
        XCTAssertNil(reject(#"{"v":1,"scenario":"720p30-h264"}"#, field: "id")?.jobID)
    }

    func testARejectedJobBecomesARejectedResultNamingTheField() throws {
        let rejection = try XCTUnwrap(reject(jobJSON(#""scenario":"720p30-h264","gop":0"#), field: "gop"))
        let result = JobResult.rejected(rejection, jobID: "job-1", nodeID: "n1", attempt: 1, finishedAt: 5)
        XCTAssertEqual(result.status, .rejected)
        XCTAssertEqual(result.rejectField, "gop")
        XCTAssertEqual(result.error, "gop: must be between 1 and 1000 (got 0)")
        XCTAssertNil(result.ffmpeg)
        XCTAssertEqual(result.resourceLimitsMode, ResourceLimitsMode.none)
    }

    func testAWrongOrMissingVersionIsRejectedNamingFieldV() {
        reject(#"{"v":2,"id":"job-1","scenario":"720p30-h264"}"#, field: "v")
        reject(#"{"id":"job-1","scenario":"720p30-h264"}"#, field: "v")
    }

    func testAWrongTypeNamesItsField() {
        XCTAssertEqual(reject(jobJSON(#""scenario":720"#), field: "scenario")?.reason, "expected a string")
        XCTAssertEqual(reject(jobJSON(#""gop":"12""#), field: "gop")?.reason, "expected a whole number")
        XCTAssertEqual(
            reject(jobJSON(#""gop":12.5"#), field: "gop")?.reason, "number out of range or not a whole number")
        reject("[1,2]", field: "")
        reject("not json", field: "")
    }
}
