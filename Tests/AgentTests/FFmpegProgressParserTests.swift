import Model
import XCTest

@testable import Agent

final class FFmpegProgressParserTests: XCTestCase {
    /// `-progress pipe:1` output of a real 2 s, 320x240, 30 fps libx264 encode (one thread), with
    /// `-stats_period 0.3` and `-re` so it holds several blocks.
    private static let captured: [UInt8] = {
        let spec = FFmpegFixtures.spec(FFmpegFixtures.generatedJob(preset: "medium"))
        let invocation = try! FFmpegCommandBuilder.build(spec: spec, workDirectory: "/tmp", threads: 1)
        var arguments = invocation.arguments
        arguments.insert(contentsOf: ["-stats_period", "0.3", "-re"], at: 8)
        let capture = try! ProcessCapture.run(
            ProcessLaunch(executable: "ffmpeg", arguments: arguments), timeoutSeconds: 30)
        precondition(capture.outcome.succeeded, "ffmpeg failed: \(capture.outcome.logTail)")
        return Array(capture.standardOutput.utf8)
    }()

    private func blocks(_ chunks: [ArraySlice<UInt8>]) -> [FFmpegProgress] {
        var parser = FFmpegProgressParser()
        return chunks.flatMap { parser.feed($0) }
    }

    func testARealEncodeEndsWithAFinalBlockCountingEveryFrame() {
        let all = blocks([Self.captured[...]])
        XCTAssertGreaterThan(all.count, 2, String(decoding: Self.captured, as: UTF8.self))
        XCTAssertTrue(all.dropLast().allSatisfy { !$0.isEnd })
        let last = all.last!
        XCTAssertTrue(last.isEnd)
        XCTAssertEqual(last.frame, 60)
        XCTAssertNotNil(last.speed)
        XCTAssertGreaterThan(last.totalSizeBytes ?? 0, 1000)
        XCTAssertGreaterThan(last.outTimeSeconds ?? 0, 1.5)
        XCTAssertEqual(last.droppedFrames, 0)
        XCTAssertEqual(all.map(\.frame), all.map(\.frame).sorted(), "frames never go back")
    }

    func testCuttingTheCapturedOutputAtEveryByteGivesTheSameBlocks() {
        let whole = blocks([Self.captured[...]])
        for cut in 0...Self.captured.count {
            XCTAssertEqual(blocks([Self.captured[..<cut], Self.captured[cut...]]), whole, "cut at \(cut)")
        }
        XCTAssertEqual(blocks(Self.captured.indices.map { Self.captured[$0...$0] }), whole, "byte by byte")
    }

    func testValuesAreReadWithTheirUnitsAndNotAvailableMeansNil() {
        let text = """
            frame=12
            fps=24.50
            stream_0_0_q=28.0
            bitrate= 562.3kbits/s
            total_size=133544
            out_time_us=1900065
            out_time_ms=1900065
            out_time=00:00:01.900065
            dup_frames=1
            drop_frames=2
            speed=  17x
            progress=continue
            frame=13
            fps=0.00
            bitrate=N/A
            total_size=N/A
            out_time_ms=2000000
            speed=N/A
            progress=end

            """
        let all = blocks([Array(text.utf8)[...]])
        XCTAssertEqual(
            all,
            [
                FFmpegProgress(
                    frame: 12, fps: 24.5, bitrateKilobits: 562.3, totalSizeBytes: 133_544,
                    outTimeMicroseconds: 1_900_065, speed: 17, duplicatedFrames: 1, droppedFrames: 2),
                FFmpegProgress(frame: 13, fps: 0, outTimeMicroseconds: 2_000_000, isEnd: true),
            ])
    }

    func testAnOverlongLineIsDroppedWholeAndParsingGoesOn() {
        var parser = FFmpegProgressParser()
        let long = "frame=" + String(repeating: "9", count: 5000) + "\n"
        XCTAssertEqual(parser.feed(Array((long + "frame=7\nprogress=continue\n").utf8)).map(\.frame), [7])
        XCTAssertEqual(parser.last?.frame, 7)
    }
}
