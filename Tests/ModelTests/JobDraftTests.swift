import Model
import XCTest

/// `ffrtmp submit`'s flag values read into a job; a value that cannot be read names its flag.
final class JobDraftTests: XCTestCase {
    private func draft(_ configure: (inout JobDraft) -> Void) -> JobDraft {
        var draft = JobDraft()
        configure(&draft)
        return draft
    }

    private func refusal(_ configure: (inout JobDraft) -> Void) -> JobDraftError? {
        do {
            _ = try draft(configure).job(id: "job-1")
            return nil
        } catch {
            return error
        }
    }

    func testEveryFlagBecomesItsJobField() throws {
        let job = try draft {
            $0.scenario = "720p30-h264"
            $0.encoder = "libx265"
            $0.preset = "fast"
            $0.resolution = "1080p"
            $0.bitrate = "2.5M"
            $0.fps = "30000/1001"
            $0.gop = "48"
            $0.duration = "1m30s"
            $0.input = "generated:smptehdbars"
            $0.output = "file:out.mp4"
            $0.quality = "ssim, psnr,ssim"
            $0.timeout = "90.5s"
            $0.cpuPercent = "200"
            $0.memoryMegabytes = "1024"
            $0.priority = "7"
            $0.labels = ["run=nightly", "host.group=rack=2"]
        }.job(id: "job-1", submittedAt: 42)
        XCTAssertEqual(job.id, "job-1")
        XCTAssertEqual(job.scenario, "720p30-h264")
        XCTAssertEqual(job.encoder, .libx265)
        XCTAssertEqual(job.preset, "fast")
        XCTAssertEqual(job.resolution, .fullHD)
        XCTAssertEqual(job.bitrate, 2_500_000)
        XCTAssertEqual(try XCTUnwrap(job.fps), 29.97, accuracy: 0.001)
        XCTAssertEqual(job.gop, 48)
        XCTAssertEqual(job.durationSeconds, 90)
        XCTAssertEqual(job.input, .generated(GeneratedInput(pattern: .smptehdbars)))
        XCTAssertEqual(job.output, .file(name: "out.mp4"))
        XCTAssertEqual(job.quality, [.ssim, .psnr])
        XCTAssertEqual(job.limits, JobLimits(cpuPercent: 200, memoryMegabytes: 1024, timeoutSeconds: 91))
        XCTAssertEqual(job.priority, 7)
        XCTAssertEqual(job.labels, ["run": "nightly", "host.group": "rack=2"])
        XCTAssertEqual(job.submittedAt, 42)
    }

    func testAScenarioAloneLeavesEverythingElseToThePreset() throws {
        let job = try draft { $0.scenario = "1080p60-h265" }.job(id: "job-1")
        XCTAssertEqual(job, Job(id: "job-1", scenario: "1080p60-h265"))
    }

    func testFlagsAloneEncodeTenSecondsOfTestsrc2OrTheGivenDuration() throws {
        let plain = try draft { $0.encoder = "libx264" }.job(id: "a")
        XCTAssertEqual(plain.input, .generated(GeneratedInput(pattern: .testsrc2, durationSeconds: 10)))
        let timed = try draft {
            $0.encoder = "libx264"
            $0.duration = "3"
        }.job(id: "a")
        XCTAssertEqual(timed.input, .generated(GeneratedInput(pattern: .testsrc2)))
        XCTAssertEqual(timed.durationSeconds, 3)
    }

    func testBitratesReadSuffixesAndRoundToWholeBits() throws {
        let cases: [(String, Int)] = [
            ("3M", 3_000_000), ("2500k", 2_500_000), ("800000", 800_000), ("6Mbps", 6_000_000), ("1.5m", 1_500_000),
            ("0.5k", 500), ("1G", 1_000_000_000), ("64kb", 64_000),
        ]
        for (text, bits) in cases {
            XCTAssertEqual(try JobDraft.bitrate(text, flag: "--bitrate"), bits, text)
        }
        for text in ["", "M", "3X", "-2M", "3 M", "1e6", "inf", "99999999999999999M"] {
            XCTAssertThrowsError(try JobDraft.bitrate(text, flag: "--bitrate"), text) { error in
                XCTAssertEqual((error as? JobDraftError)?.flag, "--bitrate")
            }
        }
        XCTAssertEqual(JobDraft.bitrateName(3_000_000), "3M")
        XCTAssertEqual(JobDraft.bitrateName(2_500_000), "2500k")
        XCTAssertEqual(JobDraft.bitrateName(800), "800")
    }

    func testResolutionsTakeSizesAndCommonNames() throws {
        XCTAssertEqual(try JobDraft.resolution("720p", flag: "--resolution"), .hd720)
        XCTAssertEqual(try JobDraft.resolution("4K", flag: "--resolution"), .uhd4K)
        XCTAssertEqual(try JobDraft.resolution("640x360", flag: "--resolution"), Resolution(width: 640, height: 360))
        XCTAssertEqual(Resolution(width: 640, height: 360).shortName, "360p")
        XCTAssertEqual(Resolution(width: 320, height: 240).shortName, "320x240")
        XCTAssertEqual(Resolution.uhd4K.shortName, "2160p")
    }

    func testAValueThatCannotBeReadNamesItsFlagAndQuotesTheValue() {
        let cases: [(String, (inout JobDraft) -> Void)] = [
            ("--encoder", { $0.encoder = "x264" }),
            ("--resolution", { $0.resolution = "big" }),
            ("--bitrate", { $0.bitrate = "fast" }),
            ("--crf", { $0.crf = "23.5" }),
            ("--fps", { $0.fps = "30/0" }),
            ("--gop", { $0.gop = "two" }),
            ("--duration", { $0.duration = "forever" }),
            ("--input", { $0.input = "generated:movie=/etc/passwd" }),
            ("--quality", { $0.quality = "lpips" }),
            ("--quality", { $0.quality = "," }),
            ("--timeout", { $0.timeout = "5 minutes" }),
            ("--cpu-percent", { $0.cpuPercent = "lots" }),
            ("--memory-mb", { $0.memoryMegabytes = "2G" }),
            ("--priority", { $0.priority = "high" }),
            ("--label", { $0.labels = ["novalue"] }),
            ("--label", { $0.labels = ["=x"] }),
            ("--label", { $0.labels = ["a=1", "a=2"] }),
        ]
        for (flag, configure) in cases {
            let error = refusal(configure)
            XCTAssertEqual(error?.flag, flag, error?.description ?? "accepted")
            XCTAssertTrue(error?.description.hasPrefix(flag) ?? false, error?.description ?? "")
        }
        XCTAssertTrue(refusal { $0.encoder = "x264" }?.description.contains("\"x264\"; allowed: libx264") ?? false)
    }

    func testInputsAndOutputsAreToldApartByTheirForm() throws {
        XCTAssertEqual(try JobDraft.input("generated", flag: "--input"), .generated(GeneratedInput()))
        XCTAssertEqual(try JobDraft.input("srt://cam:9000", flag: "--input"), .url("srt://cam:9000"))
        XCTAssertEqual(try JobDraft.input("/media/in.mp4", flag: "--input"), .file(path: "/media/in.mp4"))
        XCTAssertEqual(JobDraft.output("null"), .null)
        XCTAssertEqual(JobDraft.output("rtmp://live/app"), .url("rtmp://live/app"))
        XCTAssertEqual(JobDraft.output("out.mkv"), .file(name: "out.mkv"))
    }

    func testTheValidatorsFieldsMapBackToTheFlagsThatSetThem() {
        let cases: [(String, String?)] = [
            ("id", "--id"), ("bitrate", "--bitrate"), ("crf", "--crf"), ("duration_s", "--duration"),
            ("input.path", "--input"), ("input.url", "--input"), ("input.fps", "--fps"),
            ("input.resolution", "--resolution"), ("input.duration_s", "--duration"), ("output.name", "--output"),
            ("quality[1]", "--quality"), ("limits.timeout_s", "--timeout"), ("limits.cpu_percent", "--cpu-percent"),
            ("limits.memory_mb", "--memory-mb"), ("labels.Run", "--label"), ("priority", "--priority"),
            ("submitted_at", nil), ("", nil),
        ]
        for (field, flag) in cases { XCTAssertEqual(JobDraft.flag(forField: field), flag, field) }
    }

    func testTheSubmitterPolicyChecksPathsForShapeAndLeavesRootsToTheAgent() {
        let validator = JobValidator(policy: .submitter)
        func check(_ input: JobInput) -> JobRejection? {
            if case .failure(let rejection) = validator.validate(Job(id: "a", scenario: "720p30-h264", input: input)) {
                return rejection
            }
            return nil
        }
        XCTAssertNil(check(.file(path: "/media/in.mp4")))
        XCTAssertNil(check(.url("https://cdn.example/in.mp4")))
        XCTAssertEqual(check(.file(path: "/media/../etc/passwd"))?.field, "input.path")
        XCTAssertEqual(check(.file(path: "in.mp4"))?.field, "input.path")
        XCTAssertEqual(check(.url("file:///etc/passwd"))?.field, "input.url")
    }
}
