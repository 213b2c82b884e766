import Model
import XCTest

/// Target-quality jobs: what the validator accepts, and the search in the result.
final class QualityTargetTests: XCTestCase {
    private func validate(_ job: Job) -> Result<JobSpec, JobRejection> { JobValidator().validate(job) }

    private func targetJob(_ target: QualityTarget = QualityTarget(metric: .ssim, score: 0.95)) -> Job {
        var job = Job(id: "target-1", scenario: "720p30-h264", durationSeconds: 2)
        job.targetQuality = target
        return job
    }

    func testATargetReplacesTheScenariosBitrateWithACRFSearchAndMeasuresItsMetric() throws {
        let spec = try validate(targetJob()).get()
        XCTAssertEqual(spec.rateControl, .constantQuality(25), "the first probe: the middle of libx264's 0…51")
        XCTAssertEqual(spec.quality, [.ssim])
        XCTAssertEqual(spec.targetQuality, QualityTarget(metric: .ssim, score: 0.95))
        XCTAssertEqual(try validate(spec.job).get(), spec, "the spec's job validates back to it")
        let encoded = try MessageCoding.encode(targetJob())
        let text = String(decoding: encoded, as: UTF8.self)
        XCTAssertTrue(text.contains(#""target_quality":{"metric":"ssim","score":0.95}"#), text)
        XCTAssertEqual(try SchemaFiles.validator("job").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(Job.self, from: encoded), targetJob())
    }

    func testATargetJobWithItsOwnRateOrOutputOrAnOutOfRangeScoreIsRejectedNamingTheField() {
        var withBitrate = targetJob()
        withBitrate.bitrate = 1_000_000
        var withCRF = targetJob()
        withCRF.crf = 23
        var toFile = targetJob()
        toFile.output = .file(name: "out.mp4")
        var fromStream = targetJob()
        fromStream.input = .url("srt://camera:9000")
        let cases: [(Job, String)] = [
            (withBitrate, "bitrate"), (withCRF, "crf"), (toFile, "output"), (fromStream, "input"),
            (targetJob(QualityTarget(metric: .ssim, score: 1.5)), "target_quality.score"),
            (targetJob(QualityTarget(metric: .vmaf, score: .nan)), "target_quality.score"),
            (targetJob(QualityTarget(metric: .psnr, score: 5)), "target_quality.score"),
        ]
        for (job, field) in cases {
            guard case .failure(let rejection) = validate(job) else { return XCTFail("accepted: \(job)") }
            XCTAssertEqual(rejection.field, field, rejection.description)
        }
    }

    func testAnUnknownFieldInTheTargetIsRefused() {
        let json = #"{"v":1,"id":"t","scenario":"720p30-h264","target_quality":{"metric":"ssim","score":0.9,"x":1}}"#
        XCTAssertThrowsError(try MessageCoding.decode(Job.self, from: Array(json.utf8)))
    }

    func testTheSubmitFlagNamesTheMetricAndANonNumberIsRefusedNamingTheFlag() throws {
        var draft = JobDraft()
        draft.scenario = "720p30-h264"
        draft.target = JobDraft.TargetFlag(flag: "--target-vmaf", value: " 93.5")
        XCTAssertEqual(try draft.job(id: "t").targetQuality, QualityTarget(metric: .vmaf, score: 93.5))
        draft.target = JobDraft.TargetFlag(flag: "--target-ssim", value: "high")
        XCTAssertThrowsError(try draft.job(id: "t")) { error in
            XCTAssertEqual((error as? JobDraftError)?.flag, "--target-ssim")
        }
    }

    func testTheSearchTravelsInTheResultAndMoreProbesThanASearchRunsAreImplausible() throws {
        var result = Examples.result
        result.targetSearch = JobResult.TargetSearch(
            target: QualityTarget(metric: .ssim, score: 0.95),
            probes: [.init(crf: 25, score: 0.93, joules: 4.5), .init(crf: 12, score: 0.97, joules: 6.1)], crf: 12,
            reached: true)
        let encoded = try MessageCoding.encode(result)
        XCTAssertEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(JobResult.self, from: encoded).targetSearch, result.targetSearch)
        XCTAssertNil(result.implausibleField)
        result.targetSearch?.probes = Array(repeating: .init(crf: 1, score: 0.9, joules: 1), count: 7)
        XCTAssertEqual(result.implausibleField, "target_search")
        result.targetSearch?.probes = [.init(crf: 1, score: 0.9, joules: -1)]
        XCTAssertEqual(result.implausibleField, "target_search")
    }
}
