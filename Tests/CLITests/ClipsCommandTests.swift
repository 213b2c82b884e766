import Foundation
import Model
import Support
import TestSupport
import XCTest

/// `ffrtmp clips` and the submit flags that use the object store, as a user runs them: usage errors
/// exit 2 naming what is wrong, a missing bucket exits 1 naming it, and a clip put once comes back.
final class ClipsCommandTests: XCTestCase {
    private var broker: TestBroker!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: FFrtmpBinary.path) else {
            throw XCTSkip("no ffrtmp binary beside the tests at \(FFrtmpBinary.path) (swift build first)")
        }
        broker = try TestBroker()
    }

    override func tearDown() {
        broker?.shutdown()
        broker = nil
    }

    private func ffrtmp(_ arguments: String...) throws -> (status: Int32, output: String, error: String) {
        try FFrtmpBinary.run(arguments)
    }

    func testClipsHasHelpWithExamplesAndUsageErrorsSayWhy() throws {
        let help = try ffrtmp("clips", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.output.contains("Examples:\n  ffrtmp clips put"), help.output)
        XCTAssertTrue(help.output.contains("Exit status: 0"), help.output)
        let url = broker.url
        for (arguments, message) in [
            (["clips"], "expected put, get, ls or rm"), (["clips", "cp"], "unknown action \"cp\""),
            (["clips", "get", "-s", url, "../x"], "invalid name \"../x\""),
            (["clips", "put", "-s", url, "--bucket", "a.b", "/dev/null"], "invalid bucket name \"a.b\""),
            (["clips", "rm", "-s", url], "rm takes one or more NAMEs"),
        ] {
            let run = try FFrtmpBinary.run(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments)")
            XCTAssertTrue(run.error.contains(message), "\(arguments): \(run.error)")
        }
    }

    func testAMissingBucketIsNamedAndAClipPutOnceComesBackWhole() throws {
        let missing = try ffrtmp("clips", "ls", "-s", broker.url)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.error, "ffrtmp clips: object store bucket \"clips\" not found (stream OBJ_clips)\n")
        let folder = try TemporaryDirectory()
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try folder.write("talk.mp4", bytes)
        let put = try ffrtmp("clips", "put", "-s", broker.url, folder.path + "/talk.mp4")
        XCTAssertEqual(put.status, 0, put.error)
        XCTAssertTrue(put.output.hasPrefix("clips/talk.mp4: 200000 bytes in 2 chunks, SHA-256="), put.output)
        let listed = try ffrtmp("clips", "ls", "-s", broker.url, "--json")
        XCTAssertTrue(listed.output.hasPrefix(#"{"name":"talk.mp4","bucket":"clips","size":200000,"chunks":2,"#))
        let got = try ffrtmp("clips", "get", "-s", broker.url, "talk.mp4", "-o", folder.path + "/copy.mp4")
        XCTAssertEqual(got.status, 0, got.error)
        XCTAssertEqual(try FileContents.read(folder.path + "/copy.mp4", limit: 1 << 20), bytes)
        let absent = try ffrtmp("clips", "get", "-s", broker.url, "other.mp4")
        XCTAssertEqual(absent.status, 1)
        XCTAssertEqual(absent.error, "ffrtmp clips: object \"other.mp4\" not found in bucket \"clips\"\n")
    }

    func testSubmitTakesAClipInputAndKeepOutputWritesAFileToKeep() throws {
        let dry = try ffrtmp(
            "submit", "--scenario", "720p30-h264", "--id", "k1", "--input", "clip:talk.mp4", "--keep-output",
            "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.error)
        let job = try MessageCoding.decode(Job.self, from: Array(dry.output.utf8.dropLast()))
        XCTAssertEqual(job.input, .clip(name: "talk.mp4"))
        XCTAssertEqual(job.output, .file(name: "output.mp4"))
        XCTAssertEqual(job.keepOutput, true)
        let streamed = try ffrtmp(
            "submit", "--scenario", "720p30-h264", "--output", "rtmp://h/app/k", "--keep-output", "--dry-run")
        XCTAssertEqual(streamed.status, 2)
        XCTAssertTrue(streamed.error.contains("keep_output: needs a file output"), streamed.error)
        XCTAssertTrue(streamed.error.contains("--keep-output"), streamed.error)
        let bad = try ffrtmp("submit", "--scenario", "720p30-h264", "--input", "clip:../x", "--dry-run")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.error.contains("input.name"), bad.error)
    }
}
