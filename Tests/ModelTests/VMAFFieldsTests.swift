import Model
import XCTest

/// VMAF in jobs, results and provenance: wire names, schemas and bounds.
final class VMAFFieldsTests: XCTestCase {
    func testAJobMayAskForVMAFNextToTheOtherMetrics() throws {
        XCTAssertEqual(try JobDraft.quality("psnr, vmaf", flag: "--quality"), [.psnr, .vmaf])
        let job = Job(id: "vmaf-1", scenario: "720p30-h264", quality: [.vmaf, .ssim])
        let encoded = try MessageCoding.encode(job)
        XCTAssertEqual(try SchemaFiles.validator("job").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(Job.self, from: encoded).quality, [.vmaf, .ssim])
    }

    func testAVMAFScoreTravelsInTheResultAndOneOutsideZeroToAHundredIsImplausible() throws {
        var result = Examples.result
        result.quality = JobResult.QualityScores(psnr: 41.2, ssim: 0.981, vmaf: 93.17)
        let encoded = try MessageCoding.encode(result)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"vmaf\":93.17"))
        XCTAssertEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(JobResult.self, from: encoded).quality?[.vmaf], 93.17)
        XCTAssertNil(result.implausibleField)
        result.quality?.vmaf = 100.5
        XCTAssertEqual(result.implausibleField, "quality")
        result.quality?.vmaf = -1
        XCTAssertEqual(result.implausibleField, "quality")
    }

    func testProvenanceListsTheMeasurableMetricsAndTooManyOrTooLongAreImplausible() throws {
        var result = Examples.result
        result.provenance = Provenance(
            hardware: Examples.heartbeat.hardware, softwareVersion: "0.1.0", qualityMetrics: ["psnr", "ssim", "vmaf"])
        let encoded = try MessageCoding.encode(result)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains(#""quality_metrics":["psnr","ssim","vmaf"]"#))
        XCTAssertEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(JobResult.self, from: encoded).provenance?.qualityMetrics?.last, "vmaf")
        XCTAssertNil(result.implausibleField)
        result.provenance?.qualityMetrics = ["lpips"]
        XCTAssertNil(result.implausibleField, "a metric this master does not know is still a name")
        result.provenance?.qualityMetrics = Array(repeating: "psnr", count: 17)
        XCTAssertEqual(result.implausibleField, "provenance")
        result.provenance?.qualityMetrics = [String(repeating: "m", count: 300)]
        XCTAssertEqual(result.implausibleField, "provenance")
    }
}
