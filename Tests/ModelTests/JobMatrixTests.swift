import Model
import XCTest

/// A matrix of lists expands to every combination, named predictably, checked before anything is sent.
final class JobMatrixTests: XCTestCase {
    private let validator = JobValidator(policy: .submitter)

    private func matrix(_ lists: [(JobMatrix.Axis, String)], base: (inout JobDraft) -> Void = { _ in }) throws
        -> JobMatrix
    {
        var draft = JobDraft()
        draft.fps = "30"
        base(&draft)
        var matrix = JobMatrix(base: draft)
        for (axis, list) in lists { try matrix.set(axis, list: list) }
        return matrix
    }

    func testEveryCombinationIsOneJobNamedByItsValuesInFieldOrder() throws {
        let jobs = try matrix([(.bitrate, "2M, 5M"), (.resolution, "720p,1080p"), (.encoder, "libx264,libx265")])
            .jobs(id: "run7", submittedAt: 9, validator: validator)
        XCTAssertEqual(
            jobs.map(\.id),
            [
                "run7-libx264-720p-2M", "run7-libx264-720p-5M", "run7-libx264-1080p-2M", "run7-libx264-1080p-5M",
                "run7-libx265-720p-2M", "run7-libx265-720p-5M", "run7-libx265-1080p-2M", "run7-libx265-1080p-5M",
            ])
        let last = try XCTUnwrap(jobs.last)
        XCTAssertEqual(last.encoder, .libx265)
        XCTAssertEqual(last.resolution, .fullHD)
        XCTAssertEqual(last.bitrate, 5_000_000)
        XCTAssertEqual(last.fps, 30, "fields outside the matrix are shared")
        XCTAssertEqual(last.submittedAt, 9)
        XCTAssertEqual(Set(jobs.map(\.id)).count, 8)
    }

    func testTheSameIdGivesTheSameJobIdsSoAResubmitIsDeduplicated() throws {
        let lists: [(JobMatrix.Axis, String)] = [(.scenario, "720p30-h264,1080p30-h265"), (.crf, "23,28")]
        let first = try matrix(lists).jobs(id: "a", validator: validator).map(\.id)
        let second = try matrix(lists).jobs(id: "a", validator: validator).map(\.id)
        XCTAssertEqual(first, second)
        XCTAssertEqual(
            first, ["a-720p30-h264-crf23", "a-720p30-h264-crf28", "a-1080p30-h265-crf23", "a-1080p30-h265-crf28"])
    }

    func testWithoutListsTheIdNamesTheOneJob() throws {
        let jobs = try matrix([], base: { $0.scenario = "720p30-h264" }).jobs(id: "solo", validator: validator)
        XCTAssertEqual(jobs.map(\.id), ["solo"])
        XCTAssertFalse(try matrix([]).isMatrix)
    }

    func testListsAreCheckedEntryByEntryNamingTheListFlag() {
        let cases: [(JobMatrix.Axis, String, String)] = [
            (.encoder, "libx264,x265", "unknown encoder \"x265\""),
            (.resolution, "720p,,1080p", "empty entry"),
            (.resolution, "720p,1280x720", "lists 720p twice"),
            (.bitrate, "2M,2000k", "lists 2M twice"),
            (.scenario, "720p30-h264,nope", "unknown scenario \"nope\""),
            (.crf, "23,hi", "whole number"),
            (.preset, "fast,a.b", "not a preset name"),
        ]
        for (axis, list, expected) in cases {
            XCTAssertThrowsError(try matrix([(axis, list)])) { error in
                let error = error as? JobDraftError
                XCTAssertEqual(error?.flag, axis.flag, list)
                XCTAssertTrue(error?.description.contains(expected) ?? false, error?.description ?? "")
            }
        }
    }

    func testAFieldCannotBeBothOneValueAndAList() {
        XCTAssertThrowsError(try matrix([(.encoder, "libx264")], base: { $0.encoder = "libx265" })) { error in
            XCTAssertEqual((error as? JobDraftError)?.description, "give --encoder or --encoders, not both")
        }
    }

    func testAMatrixOverTheLimitIsRefusedBeforeAnyJobIsMade() throws {
        let bitrates = (1...100).map { "\($0 * 100)k" }.joined(separator: ",")
        let big = try matrix([
            (.encoder, "libx264,libx265,libsvtav1,libvpx-vp9"), (.resolution, "360p,720p,1080p"), (.bitrate, bitrates),
        ])
        XCTAssertEqual(big.jobCount, 1200)
        XCTAssertThrowsError(try big.jobs(id: "x", validator: validator)) { error in
            XCTAssertEqual(
                (error as? JobDraftError)?.description,
                "the matrix makes 1200 jobs (4 encoders × 3 resolutions × 100 bitrates); at most 1000 can be submitted at once"
            )
        }
    }

    func testAJobTheValidatorRefusesNamesTheJobTheFieldAndTheFlag() throws {
        let presets = try matrix(
            [(.encoder, "libx264,h264_nvenc"), (.preset, "fast")], base: { $0.resolution = "720p" })
        XCTAssertThrowsError(try presets.jobs(id: "p", validator: validator)) { error in
            let error = error as? JobDraftError
            XCTAssertEqual(error?.flag, "--presets")
            XCTAssertEqual(
                error?.description,
                "job p-h264_nvenc-fast: preset: unknown preset \"fast\" for h264_nvenc; allowed: p1, p2, p3, p4, p5, p6, "
                    + "p7 (see --presets)")
        }
        let rates = try matrix(
            [(.bitrate, "1k")],
            base: {
                $0.encoder = "libx264"; $0.resolution = "720p"
            })
        XCTAssertThrowsError(try rates.jobs(id: "r", validator: validator)) { error in
            XCTAssertEqual((error as? JobDraftError)?.flag, "--bitrates")
        }
        let single = try matrix(
            [],
            base: {
                $0.encoder = "libx264"; $0.resolution = "720p"; $0.crf = "60"
            })
        XCTAssertThrowsError(try single.jobs(id: "s", validator: validator)) { error in
            XCTAssertEqual((error as? JobDraftError)?.description, "crf: must be between 0 and 51 (got 60) (see --crf)")
        }
    }

    func testAnIdThatWouldBeTooLongFallsBackToANumberedOne() throws {
        let prefix = String(repeating: "a", count: 50)
        let jobs = try matrix([(.scenario, "1080p60-h265-nvenc,720p30-h264")]).jobs(id: prefix, validator: validator)
        XCTAssertEqual(jobs.map(\.id), [prefix + "-1", prefix + "-720p30-h264"])
        XCTAssertTrue(jobs.allSatisfy { Identifier.isValid($0.id) })
    }
}
