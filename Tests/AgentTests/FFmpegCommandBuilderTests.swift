import Model
import XCTest

@testable import Agent

final class FFmpegCommandBuilderTests: XCTestCase {
    private let head = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-y",
    ]
    private let generatedInput = [
        "-f", "lavfi", "-t", "2", "-i", "testsrc2=size=320x240:rate=30", "-map", "0:V:0", "-an",
    ]
    private let gopAndRate = ["-g", "60", "-r", "30"]

    private func build(_ job: Job, policy: ValidationPolicy = ValidationPolicy(), threads: Int? = nil) throws
        -> FFmpegInvocation
    {
        try FFmpegCommandBuilder.build(
            spec: FFmpegFixtures.spec(job, policy: policy), workDirectory: "/work/job", threads: threads)
    }

    private func rejection(_ job: Job, policy: ValidationPolicy = ValidationPolicy()) -> JobRejection? {
        do {
            _ = try build(job, policy: policy)
            return nil
        } catch {
            return error as? JobRejection
        }
    }

    func testLibx264WithABitrateGetsConstrainedVBRAndAnElementaryStreamToDevNull() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(preset: "veryfast", bitrate: 1_000_000))
        XCTAssertEqual(
            invocation.argv,
            head + generatedInput + [
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "1000000", "-maxrate", "1000000", "-bufsize",
                "2000000",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-f", "h264", "/dev/null"])
        XCTAssertNil(invocation.outputPath)
        XCTAssertEqual(invocation.temporaryFiles, [])
        XCTAssertEqual(invocation.environment, [:])
        XCTAssertEqual(invocation.workDirectory, "/work/job")
    }

    func testLibx265TakesCRFAndIsToldToLogOnlyErrors() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(encoder: .libx265, crf: 28))
        XCTAssertEqual(
            invocation.argv,
            head + generatedInput + [
                "-c:v", "libx265", "-preset", "medium", "-x265-params", "log-level=error", "-crf", "28",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-f", "hevc", "/dev/null"])
    }

    func testSVTAV1GetsANumericPresetPlainVBRAndAQuietEnvironment() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(encoder: .libsvtav1, preset: "10", bitrate: 800_000))
        XCTAssertEqual(
            invocation.argv,
            head + generatedInput + ["-c:v", "libsvtav1", "-preset", "10", "-b:v", "800000"] + gopAndRate
                + ["-pix_fmt", "yuv420p", "-f", "ivf", "/dev/null"])
        XCTAssertEqual(invocation.environment, ["SVT_LOG": "2"])
    }

    func testVP9UsesDeadlineAndCPUUsedAndConstantQualityNeedsAZeroBitrate() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(encoder: .libvpxVP9, crf: 33))
        XCTAssertEqual(
            invocation.argv,
            head + generatedInput + [
                "-c:v", "libvpx-vp9", "-deadline", "good", "-cpu-used", "4", "-row-mt", "1", "-crf", "33", "-b:v", "0",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-f", "ivf", "/dev/null"])
        let realtime = try build(FFmpegFixtures.generatedJob(encoder: .libvpxVP9, preset: "realtime"))
        XCTAssertTrue(realtime.argv.joined(separator: " ").contains("-deadline realtime -cpu-used 8 -row-mt 1"))
    }

    func testNVENCGetsPresetAndTuneAndCQWithAZeroBitrate() throws {
        let bitrate = try build(FFmpegFixtures.generatedJob(encoder: .h264NVENC, bitrate: 5_000_000))
        XCTAssertEqual(
            bitrate.argv,
            head + generatedInput + [
                "-c:v", "h264_nvenc", "-preset", "p4", "-tune", "hq", "-b:v", "5000000", "-maxrate", "5000000",
                "-bufsize", "10000000",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-f", "h264", "/dev/null"])
        let quality = try build(FFmpegFixtures.generatedJob(encoder: .hevcNVENC, preset: "p6", crf: 30))
        XCTAssertEqual(
            quality.argv,
            head + generatedInput + [
                "-c:v", "hevc_nvenc", "-preset", "p6", "-tune", "hq", "-rc", "vbr", "-cq", "30", "-b:v", "0",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-f", "hevc", "/dev/null"])
    }

    func testQSVUsesGlobalQualityAndNV12() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(encoder: .h264QSV, crf: 25))
        XCTAssertEqual(
            invocation.argv,
            head + generatedInput + ["-c:v", "h264_qsv", "-preset", "medium", "-global_quality", "25"] + gopAndRate
                + ["-pix_fmt", "nv12", "-f", "h264", "/dev/null"])
    }

    func testVAAPINamesItsDeviceAndUploadsAfterScaling() throws {
        var job = FFmpegFixtures.generatedJob(encoder: .h264VAAPI, crf: 24)
        job.resolution = Resolution(width: 640, height: 480)
        let invocation = try build(job)
        XCTAssertEqual(
            invocation.argv,
            head + ["-vaapi_device", "/dev/dri/renderD128"] + generatedInput + [
                "-vf", "scale=640:480,format=nv12,hwupload", "-c:v", "h264_vaapi", "-rc_mode", "CQP", "-qp", "24",
            ] + gopAndRate + ["-f", "h264", "/dev/null"])
    }

    func testAFileInputIsScaledToTheJobSizeCutToItsDurationAndWrittenAsMP4InTheWorkDirectory() throws {
        var policy = ValidationPolicy()
        policy.allowedRoots = ["/media"]
        let job = Job(
            id: "job-2", input: .file(path: "/media/clips/in.mp4"), output: .file(name: "out.mp4"), encoder: .libx264,
            crf: 23, resolution: Resolution(width: 1280, height: 720), fps: 30, durationSeconds: 5)
        let invocation = try build(job, policy: policy, threads: 2)
        XCTAssertEqual(
            invocation.argv,
            head + [
                "-i", "/media/clips/in.mp4", "-t", "5", "-map", "0:V:0", "-an", "-vf", "fps=30,scale=1280:720", "-c:v",
                "libx264", "-preset", "medium", "-crf", "23",
            ] + gopAndRate + ["-pix_fmt", "yuv420p", "-threads", "2", "-f", "mp4", "/work/job/out.mp4"])
        XCTAssertEqual(invocation.outputPath, "/work/job/out.mp4")
        XCTAssertEqual(invocation.temporaryFiles, ["/work/job/out.mp4"])
    }

    func testAStreamInputGetsAReadTimeoutAndAnRTMPOutputIsFLV() throws {
        let job = Job(
            id: "job-3", input: .url("srt://camera.local:9000"), output: .url("rtmp://live.example/app/key"),
            encoder: .libx264, bitrate: 3_000_000)
        let invocation = try build(job)
        XCTAssertEqual(
            invocation.argv,
            head + [
                "-rw_timeout", "10000000", "-i", "srt://camera.local:9000", "-map", "0:V:0", "-an", "-c:v", "libx264",
                "-preset", "medium", "-b:v", "3000000", "-maxrate", "3000000", "-bufsize", "6000000", "-pix_fmt",
                "yuv420p", "-flvflags", "no_duration_filesize", "-f", "flv", "rtmp://live.example/app/key",
            ])
        XCTAssertNil(invocation.outputPath)
    }

    func testAGeneratedSourceStreamedLiveIsReadAtItsNativeRate() throws {
        let invocation = try build(FFmpegFixtures.generatedJob(output: .url("rtmp://127.0.0.1:1935/live/test")))
        XCTAssertEqual(Array(invocation.argv[9..<12]), ["-re", "-f", "lavfi"])
        let srt = try build(FFmpegFixtures.generatedJob(encoder: .libx265, output: .url("srt://127.0.0.1:9000")))
        XCTAssertEqual(Array(srt.argv.suffix(3)), ["-f", "mpegts", "srt://127.0.0.1:9000"])
    }

    func testVP9FilesAreMatroskaAndANullOutputWithQualityBecomesAWorkFile() throws {
        let vp9 = try build(FFmpegFixtures.generatedJob(encoder: .libvpxVP9, output: .file(name: "clip.webm")))
        XCTAssertEqual(Array(vp9.argv.suffix(3)), ["-f", "matroska", "/work/job/clip.webm"])
        let measured = try build(FFmpegFixtures.generatedJob(quality: [.ssim, .psnr]))
        XCTAssertEqual(Array(measured.argv.suffix(3)), ["-f", "matroska", "/work/job/encoded-for-quality.mkv"])
        XCTAssertEqual(measured.outputPath, "/work/job/encoded-for-quality.mkv")
        XCTAssertEqual(measured.temporaryFiles, ["/work/job/encoded-for-quality.mkv"])
    }

    func testEveryPatternTakesSizeAndRateAndTheLengthIsAlwaysAnInputDuration() throws {
        for pattern in GeneratedPattern.allCases {
            let invocation = try build(FFmpegFixtures.generatedJob(pattern: pattern))
            XCTAssertEqual(
                Array(invocation.argv[9..<15]),
                ["-f", "lavfi", "-t", "2", "-i", "\(pattern.rawValue)=size=320x240:rate=30"])
        }
    }

    func testAJobShorterThanItsSourceIsCutAfterTheInputAndFractionalRatesStayDecimal() throws {
        let job = Job(
            id: "job-4",
            input: .generated(
                GeneratedInput(
                    pattern: .smptehdbars, resolution: FFmpegFixtures.small, fps: 29.97, durationSeconds: 10)),
            encoder: .libx264, durationSeconds: 2.5)
        let argv = try build(job).argv
        XCTAssertEqual(
            Array(argv[9..<19]),
            ["-f", "lavfi", "-t", "10", "-i", "smptehdbars=size=320x240:rate=29.97", "-t", "2.5", "-map", "0:V:0"])
        XCTAssertTrue(argv.joined(separator: " ").contains("-g 60 -r 29.97"))
    }

    func testRTMPRefusesCodecsFLVCannotCarryAndSRTRefusesAV1() {
        let hevc = rejection(FFmpegFixtures.generatedJob(encoder: .libx265, output: .url("rtmp://live.example/a/b")))
        XCTAssertEqual(hevc?.field, "output.url")
        XCTAssertTrue(hevc?.reason.contains("only H.264") ?? false)
        let av1 = rejection(FFmpegFixtures.generatedJob(encoder: .libsvtav1, output: .url("srt://live.example:9000")))
        XCTAssertEqual(av1?.field, "output.url")
    }

    func testQualityIsRefusedForStreamOutputsAndStreamInputs() {
        let streamOut = rejection(FFmpegFixtures.generatedJob(output: .url("rtmp://h/a/b"), quality: [.psnr]))
        XCTAssertEqual(streamOut?.field, "quality")
        let streamIn = rejection(
            Job(id: "job-5", input: .url("rtmp://h/a/b"), encoder: .libx264, quality: [.ssim]))
        XCTAssertEqual(streamIn?.field, "quality")
    }

    func testHostileLookingValuesStayWholeArgumentsAndNeverBecomeOptionsOrFilters() throws {
        let url = "rtmp://live.example/app/$(reboot);x'y&z|"
        XCTAssertNotNil(URLRules.check(url, allowedSchemes: ["rtmp"]), "| must be refused by the validator")
        let allowedURL = "rtmp://live.example/app/$(reboot);x'y&z*"
        var policy = ValidationPolicy()
        policy.allowedRoots = ["/media"]
        let jobs = [
            Job(id: "job-6", input: .url(allowedURL), output: .file(name: "a-b_c.mp4"), encoder: .libx264),
            FFmpegFixtures.generatedJob(output: .url(allowedURL)),
            Job(id: "job-7", input: .file(path: "/media/$(x);'y'/in put.mp4"), encoder: .libx265),
        ]
        let options: Set<String> = [
            "-nostdin", "-hide_banner", "-loglevel", "-nostats", "-progress", "-y", "-re", "-rw_timeout", "-f", "-t",
            "-i", "-map", "-an", "-vf", "-c:v", "-preset", "-x265-params", "-b:v", "-maxrate", "-bufsize", "-crf",
            "-g", "-r", "-pix_fmt", "-threads", "-flvflags", "-vaapi_device", "-deadline", "-cpu-used", "-row-mt",
            "-tune", "-rc", "-cq", "-global_quality", "-rc_mode", "-qp",
        ]
        for job in jobs {
            let invocation = try build(job, policy: policy)
            let argv = invocation.argv
            for element in argv.dropFirst() where element.hasPrefix("-") {
                XCTAssertTrue(options.contains(element), "unexpected option \(element)")
            }
            for (index, element) in argv.enumerated() where index > 0 && argv[index - 1] == "-vf" {
                XCTAssertTrue(element.allSatisfy { $0.isLetter || $0.isNumber || "=:,_".contains($0) })
            }
            XCTAssertFalse(argv.contains { $0.contains("\n") || $0.contains("\0") })
            let derived = argv.filter { $0.contains("$(") }
            XCTAssertEqual(derived.count, 1, "the hostile value appears once, as a whole element")
            XCTAssertTrue(derived.allSatisfy { $0 == allowedURL || $0 == "/media/$(x);'y'/in put.mp4" })
            XCTAssertTrue(invocation.commandLine.contains("'"), "the log line quotes it: \(invocation.commandLine)")
        }
    }

    func testTheCommandLineQuotesOnlyWhatNeedsIt() {
        XCTAssertEqual(
            ArgumentText.commandLine(["ffmpeg", "-i", "/a b/it's.mp4", "-vf", "scale=1:2", ""]),
            "ffmpeg -i '/a b/it'\\''s.mp4' -vf scale=1:2 ''")
        XCTAssertEqual(ArgumentText.number(29.97), "29.97")
        XCTAssertEqual(ArgumentText.number(0.5), "0.5")
        XCTAssertEqual(ArgumentText.number(3600), "3600")
        XCTAssertEqual(ArgumentText.number(1.0 / 3), "0.333333")
    }
}
