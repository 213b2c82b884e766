import Model
import XCTest

/// `input: {type: clip, name}` and `keep_output`: clips from the object store in, outputs kept in it.
final class ClipInputTests: XCTestCase {
    func testAClipInputIsKeptByNameAndSurvivesTheExplicitForm() throws {
        let spec = try XCTUnwrap(
            accept(jobJSON(#""scenario":"720p30-h264","input":{"type":"clip","name":"talks/a-1.mp4"}"#)))
        XCTAssertEqual(spec.input, .clip(name: "talks/a-1.mp4"))
        XCTAssertEqual(try JobValidator().validate(spec.job).get().input, .clip(name: "talks/a-1.mp4"))
        XCTAssertEqual(try SchemaFiles.validator("job").errors(JSONValue.parse(MessageCoding.encode(spec.job))), [])
    }

    func testAClipNameThatIsNotSafeIsRejected() {
        for name in [
            "", "../etc/passwd", "a/../b", "/abs", "dir/", ".hidden", "a b", "a\u{0}b", "ä.mp4",
            String(repeating: "x", count: 256),
        ] {
            let quoted = String(decoding: try! MessageCoding.encode([name]), as: UTF8.self).dropFirst().dropLast()
            reject(jobJSON(#""scenario":"720p30-h264","input":{"type":"clip","name":\#(quoted)}"#), field: "input.name")
        }
    }

    func testAClipInputWithAnUnknownFieldIsRejected() {
        reject(
            jobJSON(#""scenario":"720p30-h264","input":{"type":"clip","name":"a.mp4","path":"/x"}"#),
            field: "input.path")
    }

    func testKeepOutputNeedsAFileOutput() throws {
        let kept = try XCTUnwrap(
            accept(jobJSON(#""scenario":"720p30-h264","output":{"type":"file","name":"o.mp4"},"keep_output":true"#)))
        XCTAssertTrue(kept.keepOutput)
        XCTAssertEqual(kept.job.keepOutput, true)
        XCTAssertEqual(try SchemaFiles.validator("job").errors(JSONValue.parse(MessageCoding.encode(kept.job))), [])
        reject(jobJSON(#""scenario":"720p30-h264","keep_output":true"#), field: "keep_output")
        reject(
            jobJSON(#""scenario":"720p30-h264","output":{"type":"url","url":"rtmp://h/a"},"keep_output":true"#),
            field: "keep_output")
        XCTAssertFalse(try XCTUnwrap(accept(jobJSON(#""scenario":"720p30-h264""#))).keepOutput)
    }

    func testTheDraftReadsAClipInputAndKeepOutputGivesAFileOutput() throws {
        var draft = JobDraft()
        draft.scenario = "720p30-h264"
        draft.input = "clip:talk.mp4"
        draft.keepOutput = true
        let job = try draft.job(id: "j1")
        XCTAssertEqual(job.input, .clip(name: "talk.mp4"))
        XCTAssertEqual(job.output, .file(name: "output.mp4"))
        XCTAssertEqual(job.keepOutput, true)
        XCTAssertEqual(JobDraft.flag(forField: "keep_output"), "--keep-output")
    }

    func testAResultCarriesItsInputDigestAndKeptOutput() throws {
        var result = Examples.result
        result.inputDigest = "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="
        result.keptOutput = KeptOutput(
            bucket: "outputs", name: result.jobID, digest: "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=",
            size: 0)
        let encoded = try MessageCoding.encode(result)
        XCTAssertEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(encoded)), [])
        let decoded = try MessageCoding.decode(JobResult.self, from: encoded)
        XCTAssertEqual(decoded.inputDigest, result.inputDigest)
        XCTAssertEqual(decoded.keptOutput, result.keptOutput)
        var broken = result
        broken.inputDigest = "md5=abc"
        XCTAssertNotEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(MessageCoding.encode(broken))), [])
    }

    func testADigestOrKeptOutputNotAsTheObjectStoreWritesItIsImplausible() {
        var result = Examples.result
        result.inputDigest = "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="
        result.keptOutput = KeptOutput(
            bucket: "outputs", name: "job-1", digest: "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", size: 9)
        XCTAssertNil(result.implausibleField)
        for digest in [
            "", "SHA-256=", "sha-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=",
            "SHA-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", "SHA-256=<script>",
        ] {
            var broken = result
            broken.inputDigest = digest
            XCTAssertEqual(broken.implausibleField, "input_digest", digest)
        }
        var badName = result
        badName.keptOutput?.name = "../etc"
        XCTAssertEqual(badName.implausibleField, "kept_output")
        var badBucket = result
        badBucket.keptOutput?.bucket = "a.b"
        XCTAssertEqual(badBucket.implausibleField, "kept_output")
    }
}
