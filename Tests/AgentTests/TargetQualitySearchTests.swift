import Model
import Support
import XCTest

@testable import Agent

/// The crf search of a target-quality job: bisection, bounded probes, the cheapest setting kept.
final class TargetQualitySearchTests: XCTestCase {
    /// SSIM falling by 0.01 per crf step from 1 at crf 0.
    private func ssim(_ crf: Int) -> Double { 1 - Double(crf) / 100 }

    func testTheHighestSettingThatReachesTheTargetIsKeptWithinSixProbes() {
        let search = TargetQualitySearch(target: QualityTarget(metric: .ssim, score: 0.8), range: 0...51)
        var tried: [Int] = []
        let answer = search.run { crf in
            tried.append(crf)
            return .init(score: ssim(crf), joules: Double(60 - crf))
        }
        XCTAssertEqual(tried, [25, 12, 18, 21, 19, 20], "bisection: a miss moves down, a hit moves up")
        XCTAssertEqual(answer.crf, 20, "crf 20 scores exactly 0.8; 21 misses")
        XCTAssertTrue(answer.reached)
        XCTAssertEqual(answer.probes.map(\.crf), tried)
        XCTAssertEqual(answer.probes.first?.joules, 35)
        XCTAssertLessThanOrEqual(answer.probes.count, QualityTarget.maximumProbes)
    }

    func testAnUnreachableTargetKeepsTheBestQualityProbedAndSaysSo() {
        let search = TargetQualitySearch(target: QualityTarget(metric: .ssim, score: 0.9999), range: 0...51)
        let answer = search.run { .init(score: ssim($0) - 0.5, joules: nil) }
        XCTAssertFalse(answer.reached)
        XCTAssertEqual(answer.probes.map(\.crf), [25, 12, 5, 2, 0], "every miss moves down, to the range's end")
        XCTAssertEqual(answer.crf, 0)
    }

    func testAFailedProbeStopsTheSearchAndAStopRequestRunsNoMore() {
        let search = TargetQualitySearch(target: QualityTarget(metric: .psnr, score: 40), range: 0...51)
        let failed = search.run { _ in .init(score: nil, joules: nil) }
        XCTAssertEqual(failed.probes.count, 1)
        XCTAssertNil(failed.crf)
        XCTAssertFalse(failed.reached)
        let stopped = search.run(shouldStop: { true }) { _ in .init(score: 50, joules: nil) }
        XCTAssertEqual(stopped.probes, [])
    }

    func testARealSearchOnAShortClipReachesTheSSIMTargetAndReportsEachProbe() throws {
        var job = FFmpegFixtures.generatedJob(duration: 1)
        job.resolution = Resolution(width: 160, height: 120)
        job.targetQuality = QualityTarget(metric: .ssim, score: 0.95)
        let spec = FFmpegFixtures.spec(job)
        XCTAssertEqual(spec.quality, [.ssim], "the target's metric is measured")
        let work = ScratchDirectory()
        let executor = FFmpegJobExecutor(
            configuration: FFmpegRunConfiguration(workDirectory: work.path, minimumFreeBytes: 0, threads: 1),
            limiter: ResourceLimiter(configuration: ResourceLimitConfiguration(preference: .none)))
        let joules = [10.0, 9, 8, 7, 6, 5]
        let windows = Counter()
        let control = ExecutionControl(
            started: { _, _ in }, progressed: { _ in },
            encodeEnded: { _ in
                let index = windows.next()
                return EnergyReport(
                    components: [], totalJoules: joules[min(index, 5)], dynamicJoules: 1, source: .estimated)
            })
        let outcome = executor.execute(spec, control: control)
        XCTAssertEqual(outcome.status, .succeeded, outcome.error ?? "")
        let search = try XCTUnwrap(outcome.targetSearch)
        XCTAssertTrue(search.reached)
        XCTAssertLessThanOrEqual(search.probes.count, 6)
        XCTAssertGreaterThan(search.probes.count, 1)
        let crf = try XCTUnwrap(search.crf)
        let chosen = try XCTUnwrap(search.probes.first { $0.crf == crf })
        XCTAssertGreaterThanOrEqual(chosen.score ?? 0, 0.95)
        XCTAssertEqual(outcome.quality?.ssim, chosen.score, "the figures are the chosen probe's")
        XCTAssertEqual(outcome.energy?.totalJoules, chosen.joules, "and so is the energy")
        XCTAssertTrue(outcome.statistics?.argv.contains(String(crf)) ?? false, "\(outcome.statistics?.argv ?? [])")
        for probe in search.probes where probe.crf > crf {
            XCTAssertLessThan(probe.score ?? 1, 0.95, "a cheaper probe that reached the target would be kept")
        }
    }
}

/// Counts calls from any thread.
private final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0

    func next() -> Int {
        lock.withLock {
            count += 1
            return count - 1
        }
    }
}
