import Model
import XCTest

@testable import Agent

final class FFmpegQualityTests: XCTestCase {
    private let work = ScratchDirectory()

    /// Encodes `job` (a file output) into the scratch folder with the builder's argv.
    private func encode(_ job: Job) throws -> (JobSpec, String) {
        let spec = FFmpegFixtures.spec(job)
        let invocation = try FFmpegCommandBuilder.build(spec: spec, workDirectory: work.path, threads: 1)
        let outcome = try ChildProcess(invocation.launch()).wait(timeoutSeconds: 30)
        XCTAssertTrue(outcome.succeeded, "\(outcome.logTail)")
        return (spec, invocation.outputPath!)
    }

    func testARealLibx264EncodeScoresPlausibleSSIMAndPSNR() throws {
        let (spec, path) = try encode(
            FFmpegFixtures.generatedJob(crf: 30, output: .file(name: "out.mp4"), quality: [.psnr, .ssim]))
        let scores = try QualityMeter().measure(
            spec: spec, encodedPath: path, workDirectory: work.path, timeoutSeconds: 30
        ).get()
        XCTAssertGreaterThan(scores.ssim ?? 0, 0.5)
        XCTAssertLessThanOrEqual(scores.ssim ?? 2, 1)
        XCTAssertGreaterThan(scores.psnr ?? 0, 20)
        XCTAssertLessThan(scores.psnr ?? 100, 60)
    }

    func testALosslessEncodeHasTheMaximumPSNR() throws {
        let (spec, path) = try encode(
            FFmpegFixtures.generatedJob(
                preset: "ultrafast", crf: 0, output: .file(name: "lossless.mp4"),
                duration: 0.5, quality: [.psnr]))
        let scores = try QualityMeter().measure(
            spec: spec, encodedPath: path, workDirectory: work.path, timeoutSeconds: 30
        ).get()
        XCTAssertEqual(scores.psnr, JobResult.QualityScores.maximumPSNR)
        XCTAssertNil(scores.ssim)
    }

    func testANullJobWithQualityIsEncodedToAWorkFileMeasuredAndCleanedUp() {
        var job = FFmpegFixtures.generatedJob(quality: [.ssim, .psnr])
        job.resolution = Resolution(width: 160, height: 120)
        job.fps = 15
        let run = FFmpegRun(
            spec: FFmpegFixtures.spec(job),
            configuration: FFmpegRunConfiguration(workDirectory: work.path, minimumFreeBytes: 0, threads: 1),
            limiter: ResourceLimiter(configuration: ResourceLimitConfiguration(preference: .none)))
        let report = run.execute()
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertEqual(report.statistics?.frames, 30, "2 s resampled to 15 fps")
        XCTAssertGreaterThan(report.quality?.ssim ?? 0, 0.5)
        XCTAssertGreaterThan(report.quality?.psnr ?? 0, 20, "the source was scaled and resampled like the encode")
        XCTAssertTrue(report.statistics?.argv.last?.hasSuffix("/encoded-for-quality.mkv") ?? false)
        XCTAssertEqual(ScratchDirectory.list(work.path), [])
    }

    func testTheComparisonRegeneratesTheSourceAndReshapesItLikeTheEncode() throws {
        var job = FFmpegFixtures.generatedJob(quality: [.psnr, .ssim])
        job.resolution = Resolution(width: 160, height: 120)
        job.fps = 15
        let invocation = QualityMeter().invocation(
            spec: FFmpegFixtures.spec(job), encodedPath: "/w/e.mkv", workDirectory: "/w")
        XCTAssertEqual(
            invocation?.argv,
            [
                "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info", "-i", "/w/e.mkv", "-f",
                "lavfi", "-t", "2", "-i", "testsrc2=size=320x240:rate=30", "-lavfi",
                "[0:v]settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p,split=2[encoded0][encoded1];"
                    + "[1:v]fps=15,scale=160:120,settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p,split=2"
                    + "[source0][source1];[encoded0][source0]ssim;[encoded1][source1]psnr",
                "-f", "null", "-",
            ])
        let single = QualityMeter().filterGraph(FFmpegFixtures.spec(FFmpegFixtures.generatedJob(quality: [.ssim])))
        XCTAssertEqual(
            single,
            "[0:v]settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p[encoded];"
                + "[1:v]settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p[source];[encoded][source]ssim")
        XCTAssertNil(
            QualityMeter().invocation(
                spec: FFmpegFixtures.spec(FFmpegFixtures.generatedJob()), encodedPath: "/w/e.mkv", workDirectory: "/w"))
    }

    func testTheSummaryLinesAreReadAndInfinitePSNRIsTheMaximum() {
        var parser = QualityLogParser()
        parser.read(line: "[Parsed_psnr_9 @ 0x55dd] PSNR y:30.43 u:29.08 v:26.30 average:29.209892 min:24.33 max:38.23")
        parser.read(
            line: "[Parsed_ssim_8 @ 0x55dd] SSIM Y:0.954 (13.39) U:0.958 (13.79) V:0.963 (14.32) All:0.956348 (13.6)")
        parser.read(line: "frame=   59 fps=0.0 q=-0.0 size=N/A time=00:00:01.96 bitrate=N/A speed=66.9x")
        XCTAssertEqual(parser.scores, JobResult.QualityScores(psnr: 29.209892, ssim: 0.956348))
        parser.read(line: "[Parsed_psnr_1 @ 0x1] PSNR y:inf u:inf v:inf average:inf min:inf max:inf")
        XCTAssertEqual(parser.scores.psnr, 100)
    }
}
