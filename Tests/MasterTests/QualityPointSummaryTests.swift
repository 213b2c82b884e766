import Model
import Support
import XCTest

@testable import Master

/// J/frame per quality point in summaries: one figure per metric measured, absent (never zero)
/// without one.
final class QualityPointSummaryTests: XCTestCase {
    private func record(_ store: MasterStore, _ id: String, quality: JobResult.QualityScores?) throws {
        var result = MasterFixtures.result(id, joules: 12)  // 60 frames: 0.2 J/frame
        result.quality = quality
        try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
    }

    func testJoulesPerFramePerQualityPointIsTheMeanJoulesPerFrameOverEachMeasuredMeanScore() throws {
        let store = try MasterStore(path: ":memory:")
        try record(store, "a", quality: JobResult.QualityScores(ssim: 0.9, vmaf: 90))
        try record(store, "b", quality: JobResult.QualityScores(ssim: 0.8, vmaf: 80))
        let row = try XCTUnwrap(try store.summary().rows.first)
        XCTAssertEqual(try XCTUnwrap(row.vmaf?.mean), 85, accuracy: 1e-9, "VMAF read from the results' JSON")
        let perPoint = row.joulesPerQualityPoint
        XCTAssertEqual(Set(perPoint.keys), [.ssim, .vmaf], "no PSNR measured: no PSNR figure")
        XCTAssertEqual(try XCTUnwrap(perPoint[.ssim]), 0.2 / 0.85, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(perPoint[.vmaf]), 0.2 / 85, accuracy: 1e-9)
        let json = try XCTUnwrap(JSONValue.parse(SummaryJSON.text(row)))
        XCTAssertEqual(json["vmaf"], .number(85))
        XCTAssertEqual(json["stats"]?["vmaf"]?["n"], .number(2))
        let figures = try XCTUnwrap(json["j_per_quality_point"])
        XCTAssertNil(figures["psnr"])
        guard case .number(let ssim) = figures["ssim"], case .number(let vmaf) = figures["vmaf"] else {
            return XCTFail("j_per_quality_point lacks ssim or vmaf: \(figures)")
        }
        XCTAssertEqual(ssim, 0.2 / 0.85, accuracy: 1e-9)
        XCTAssertEqual(vmaf, 0.2 / 85, accuracy: 1e-9)
    }

    func testAGroupWithoutQualityScoresHasNoJoulesPerQualityPointRatherThanZero() throws {
        let store = try MasterStore(path: ":memory:")
        try record(store, "a", quality: nil)
        let row = try XCTUnwrap(try store.summary().rows.first)
        XCTAssertEqual(row.joulesPerQualityPoint, [:])
        let json = try XCTUnwrap(JSONValue.parse(SummaryJSON.text(row)))
        XCTAssertNil(json["j_per_quality_point"])
        XCTAssertEqual(json["vmaf"], .null)
    }

    func testAScoreOfZeroGivesNoFigureInsteadOfAnInfiniteOne() throws {
        let store = try MasterStore(path: ":memory:")
        try record(store, "a", quality: JobResult.QualityScores(psnr: 30, ssim: 0))
        let row = try XCTUnwrap(try store.summary().rows.first)
        XCTAssertEqual(Set(row.joulesPerQualityPoint.keys), [.psnr])
    }

    func testWithoutEnergyThereIsNoJoulesPerQualityPoint() throws {
        let store = try MasterStore(path: ":memory:")
        var result = MasterFixtures.result("a", joules: nil)
        result.quality = JobResult.QualityScores(psnr: 30, ssim: 0.9)
        try store.record(result, json: String(decoding: try MessageCoding.encode(result), as: UTF8.self))
        XCTAssertEqual(try store.summary().rows.first?.joulesPerQualityPoint, [:])
    }
}
