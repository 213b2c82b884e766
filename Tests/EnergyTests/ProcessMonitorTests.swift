import Energy
import XCTest

/// `nvidia-smi pmon` tables: columns found by the header, `-` is no sample.
final class ProcessMonitorTests: XCTestCase {
    func testRowsParseWithDashesAsMissing() {
        let output = """
            # gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command
            # Idx           #    C/G      %      %      %      %      %      %    name
                0       4242     C      3      1     41      -      -      -    ffmpeg
                0       4343     C      -      -      -      -      -      -    python3 train.py
                1          -     -      -      -      -      -      -      -    -
            """
        let rows = NVIDIAProcessMonitor.parse(output)
        XCTAssertEqual(
            rows,
            [
                GPUProcessUtilization(gpu: 0, processID: 4242, smPercent: 3, encoderPercent: 41, decoderPercent: nil),
                GPUProcessUtilization(
                    gpu: 0, processID: 4343, smPercent: nil, encoderPercent: nil, decoderPercent: nil),
            ])
        XCTAssertEqual(rows[0].weight, 44)
        XCTAssertEqual(rows[1].weight, 0)
    }

    func testAnOlderLayoutWithoutJpgAndOfaParsesToo() {
        let output = "# gpu pid type sm mem enc dec command\n# Idx # C/G % % % % name\n 0 77 C 10 2 5 6 ffmpeg\n"
        XCTAssertEqual(
            NVIDIAProcessMonitor.parse(output),
            [GPUProcessUtilization(gpu: 0, processID: 77, smPercent: 10, encoderPercent: 5, decoderPercent: 6)])
    }
}
