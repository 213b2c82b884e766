import Console
import Model
import XCTest

/// Results as a table, failure notes, CSV and a summary for `watch`.
final class ResultTableTests: XCTestCase {
    func testTheTableShowsHumanUnitsAndTheAgeWhenAsked() {
        let results = [
            ConsoleFixtures.result("job-1", joules: 1234.5),
            ConsoleFixtures.result("job-2", status: .failed, node: "node-2", joules: 12),
        ]
        XCTAssertEqual(
            ResultTable.table(results, now: 15_000_000_000).text,
            """
            JOB    STATUS     NODE    ENCODER  RES    FRAMES   FPS    WALL   ENERGY  J/FRAME  SOURCE  FINISHED
            job-1  succeeded  node-1  libx265  1080p     300  60.0  5.00 s  1.23 kJ     4.12  rapl      5s ago
            job-2  failed     node-2  libx265  1080p     300  60.0  5.00 s     12 J     0.04  rapl      5s ago

            """)
        XCTAssertEqual(ResultTable.failures(results), "job-2 failed: ffmpeg exited with status 1\n")
    }

    func testARejectedResultHasDashesWhereNothingRan() {
        let rejected = JobResult.rejected(
            JobRejection(field: "input.path", reason: "must be absolute"), jobID: "bad", nodeID: "n", attempt: 1,
            finishedAt: 5)
        let text = ResultTable.table([rejected]).text
        XCTAssertTrue(
            text.hasSuffix("\nbad  rejected  n     -        -         -    -     -       -        -  -\n"), text)
    }

    func testCSVHasAHeaderAndRawNumbers() {
        let csv = ResultTable.csv([ConsoleFixtures.result("job,1")])
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(String(lines[0]), ResultTable.csvHeader.joined(separator: ","))
        XCTAssertEqual(
            String(lines[1]),
            "\"job,1\",1,succeeded,node-1,1080p60-h265,libx265,1920x1080,60,300,60,2,5,19.6,700,2.3333333333333335,rapl,"
                + "140,41.2,0.981,2.333e-05,0.07778,1970-01-01T00:00:01.000Z,1970-01-01T00:00:02.000Z,"
                + "1970-01-01T00:00:10.000Z,")
    }

    func testTheSummaryOfAResultReadsInAFewLines() {
        XCTAssertEqual(
            ResultSummary.text(ConsoleFixtures.result("job-1")),
            """
            job-1 succeeded on node-1 (attempt 1)
              300 frames · 60.0 fps · 2.00x · wall 5.00 s · cpu 19.6 s
              energy 700 J (rapl) · 2.33 J/frame · avg 140 W
              PSNR 41.20 dB · SSIM 0.9810
              $0.0000233 · 0.0778 g CO2

            """)
    }
}
