import Model
import XCTest

@testable import Agent

#if canImport(Glibc)
    import Glibc
#endif

/// `keep_output`: a run that succeeded hands its output file to the observer before the job's folder
/// goes, the kept object lands in the report, and a failed upload fails the run.
final class FFmpegKeepOutputTests: XCTestCase {
    private let work = ScratchDirectory()

    private func run(_ keep: Bool) -> FFmpegRun {
        var job = FFmpegFixtures.generatedJob(output: .file(name: "out.mp4"))
        job.keepOutput = keep
        let configuration = FFmpegRunConfiguration(workDirectory: work.path, minimumFreeBytes: 1 << 20, threads: 1)
        let limiter = ResourceLimiter(
            configuration: ResourceLimitConfiguration(controlGroupRoot: work.path + "/no-cgroup", cores: 2))
        return FFmpegRun(spec: FFmpegFixtures.spec(job), configuration: configuration, limiter: limiter)
    }

    func testTheOutputIsHandedOverWhileItStillExistsAndTheKeptObjectIsReported() {
        var handed: (path: String, bytes: Int)?
        let kept = KeptOutput(
            bucket: "outputs", name: "job-1", digest: "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", size: 1)
        let observer = FFmpegRunObserver(keepOutput: { path in
            var info = stat()
            handed = (path, stat(path, &info) == 0 ? Int(info.st_size) : -1)
            return .success(kept)
        })
        let report = run(true).execute(observer: observer)
        XCTAssertEqual(report.status, .succeeded, report.error ?? "")
        XCTAssertEqual(report.keptOutput, kept)
        XCTAssertTrue(handed?.path.hasSuffix("/out.mp4") ?? false, "\(String(describing: handed))")
        XCTAssertGreaterThan(handed?.bytes ?? 0, 1000, "the file was there when handed over")
        XCTAssertEqual(ScratchDirectory.list(work.path), [], "and is gone with the job's folder after")
    }

    func testAFailedUploadFailsTheRunAndAJobThatKeepsNothingIsNotHandedOver() {
        let failing = FFmpegRunObserver(keepOutput: { _ in .failure(KeepOutputFailure(reason: "bucket full")) })
        let failed = run(true).execute(observer: failing)
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.error, "output not kept: bucket full")
        XCTAssertNil(failed.keptOutput)
        var called = false
        let watching = FFmpegRunObserver(keepOutput: { _ in
            called = true
            return .failure(KeepOutputFailure(reason: "unexpected"))
        })
        XCTAssertEqual(run(false).execute(observer: watching).status, .succeeded)
        XCTAssertFalse(called)
    }
}
