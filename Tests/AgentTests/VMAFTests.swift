import Model
import XCTest

@testable import Agent

/// VMAF: found by `ffmpeg -filters`, measured by `libvmaf`, read from its summary line.
final class VMAFTests: XCTestCase {
    /// The legend and a few rows of `ffmpeg -hide_banner -filters`, as ffmpeg 6 prints them.
    private static let filterTable = """
        Filters:
          T.. = Timeline support
          .S. = Slice threading
          ..C = Command support
          A = Audio input/output
          V = Video input/output
          N = Dynamic number and/or type of input/output
          | = Source or sink filter
         ... abench            A->A       Benchmark part of a filtergraph.
         TS. psnr              VV->V      Calculate the PSNR between two video streams.
         TS. ssim              VV->V      Calculate the SSIM between two video streams.
         ... vmafmotion        V->V       Calculate the VMAF Motion score.

        """

    private static let libvmafRow = " ... libvmaf           VV->V      Calculate the VMAF between two video streams.\n"

    /// A fake ffmpeg answering `-filters` with `table` (and failing anything else).
    private func fakeFFmpeg(_ folder: ScratchDirectory, table: String) -> String {
        folder.write("table.txt", table)
        folder.write(
            "ffmpeg", "#!/bin/sh\n[ \"$2\" = -filters ] || exit 1\ncat '\(folder.path)/table.txt'\n", mode: 0o755)
        return folder.path + "/ffmpeg"
    }

    func testVMAFIsMeasurableOnlyWhenFFmpegListsTheLibvmafFilter() {
        let folders = (ScratchDirectory(), ScratchDirectory(), ScratchDirectory())
        let metrics = { (ffmpeg: String) in
            HardwareProbe.qualityMetrics(HardwareProbeConfiguration(ffmpegPath: ffmpeg, timeoutSeconds: 5))
        }
        let without = fakeFFmpeg(folders.0, table: Self.filterTable)
        XCTAssertEqual(metrics(without), [.psnr, .ssim], "vmafmotion is not libvmaf")
        let with = fakeFFmpeg(folders.1, table: Self.filterTable + Self.libvmafRow)
        XCTAssertEqual(metrics(with), [.psnr, .ssim, .vmaf])
        let onlySSIM = Self.filterTable.split(separator: "\n").filter { !$0.contains(" psnr ") }.joined(separator: "\n")
        XCTAssertEqual(metrics(fakeFFmpeg(folders.2, table: onlySSIM)), [.ssim], "the fake's answer is what counts")
    }

    func testAnFFmpegThatDoesNotAnswerIsTakenToMeasurePSNRAndSSIMButNotVMAF() {
        XCTAssertEqual(
            HardwareProbe.qualityMetrics(HardwareProbeConfiguration(ffmpegPath: "/nonexistent/ffmpeg")), [.psnr, .ssim])
        XCTAssertEqual(FFmpegFilterList.qualityMetrics(""), [], "an answer listing no filter measures nothing")
        XCTAssertEqual(FFmpegFilterList.qualityMetrics("Filters:\n garbage\n\u{0}\n ... x y->\n"), [])
    }

    func testTheVMAFScoreIsReadFromLibvmafsSummaryLineNextToSSIMAndPSNR() {
        // The end of a `-loglevel info` comparison with ssim, psnr and libvmaf, written from the
        // format ffmpeg's vf_libvmaf logs at uninit ("VMAF score: %f").
        let log = [
            "[Parsed_ssim_3 @ 0x55d0c8a0b2c0] SSIM Y:0.975021 (16.024) U:0.986614 (18.734) V:0.987309 (18.965) "
                + "All:0.979423 (16.866)",
            "[Parsed_psnr_4 @ 0x55d0c8a0c440] PSNR y:37.519240 u:42.270712 v:42.640421 average:38.702553 "
                + "min:36.981 max:41.2",
            "[Parsed_libvmaf_2 @ 0x55d0c8a09f00] VMAF score: 93.170411",
        ]
        var parser = QualityLogParser()
        for line in log { parser.read(line: line) }
        XCTAssertEqual(parser.scores, JobResult.QualityScores(psnr: 38.702553, ssim: 0.979423, vmaf: 93.170411))
    }

    func testAVMAFSummaryThatIsNotANumberGivesNoScore() {
        for text in ["nan", "inf", "-nan", "", "93.1x"] {
            var parser = QualityLogParser()
            parser.read(line: "[Parsed_libvmaf_0 @ 0x1] VMAF score: \(text)")
            XCTAssertNil(parser.scores.vmaf, text)
        }
        var parser = QualityLogParser()
        parser.read(line: "[Parsed_vmafmotion_0 @ 0x1] VMAF Motion avg: 3.2")
        XCTAssertNil(parser.scores.vmaf)
    }

    func testTheComparisonFeedsLibvmafTheEncodedVideoFirstAndTheSourceSecond() {
        let graph = QualityMeter().filterGraph(
            FFmpegFixtures.spec(FFmpegFixtures.generatedJob(quality: [.psnr, .vmaf])))
        XCTAssertEqual(
            graph,
            "[0:v]settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p,split=2[encoded0][encoded1];"
                + "[1:v]settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p,split=2[source0][source1];"
                + "[encoded0][source0]libvmaf;[encoded1][source1]psnr")
    }

    func testARealEncodeScoresAPlausibleVMAFWhereFFmpegHasLibvmaf() throws {
        try XCTSkipUnless(
            HardwareProbe.qualityMetrics(HardwareProbeConfiguration()).contains(.vmaf),
            "this ffmpeg has no libvmaf filter (Debian's is built without it)")
        let work = ScratchDirectory()
        let spec = FFmpegFixtures.spec(
            FFmpegFixtures.generatedJob(crf: 30, output: .file(name: "out.mp4"), duration: 1, quality: [.vmaf]))
        let invocation = try FFmpegCommandBuilder.build(spec: spec, workDirectory: work.path, threads: 1)
        XCTAssertTrue(try ChildProcess(invocation.launch()).wait(timeoutSeconds: 60).succeeded)
        let scores = try QualityMeter().measure(
            spec: spec, encodedPath: invocation.outputPath!, workDirectory: work.path, timeoutSeconds: 120
        ).get()
        XCTAssertGreaterThan(scores.vmaf ?? 0, 20)
        XCTAssertLessThanOrEqual(scores.vmaf ?? 101, 100)
    }
}
