import Model
import XCTest

final class MessageRoundTripTests: XCTestCase {
    private func roundTrip<Message: Codable & Equatable>(
        _ message: Message, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let bytes = try MessageCoding.encode(message)
        let decoded = try MessageCoding.decode(Message.self, from: bytes)
        XCTAssertEqual(decoded, message, file: file, line: line)
        XCTAssertEqual(try MessageCoding.encode(decoded), bytes, "encoding is stable", file: file, line: line)
    }

    func testEveryMessageTypeSurvivesEncodingAndDecoding() throws {
        try roundTrip(Examples.job)
        try roundTrip(Examples.minimalJob)
        try roundTrip(Examples.heartbeat)
        try roundTrip(Examples.telemetry)
        try roundTrip(Examples.event)
        try roundTrip(Examples.result)
        try roundTrip(Examples.rejectedResult)
    }

    func testEachInputAndOutputKindSurvivesEncodingAndDecoding() throws {
        for input: JobInput in [
            .generated(GeneratedInput(pattern: .mandelbrot, resolution: .hd720, fps: 25, durationSeconds: 2)),
            .generated(GeneratedInput(pattern: .rgbtestsrc)), .file(path: "/media/in.mp4"), .url("srt://cam:9000"),
        ] {
            try roundTrip(Job(id: "j", input: input))
        }
        for output: JobOutput in [.null, .file(name: "a.mkv"), .url("rtmp://live/app/key")] {
            try roundTrip(Job(id: "j", output: output))
        }
    }

    func testEveryMessageCarriesVersionOne() throws {
        let messages: [any Encodable] = [
            Examples.job, Examples.heartbeat, Examples.telemetry, Examples.event, Examples.result,
        ]
        for message in messages {
            let json = try JSONValue.parse(MessageCoding.encode(message))
            XCTAssertEqual(json["v"], .number(1))
        }
    }

    func testDecodingRefusesAnotherVersionWithAClearError() {
        let json = Array(#"{"v":2,"job_id":"a","state":"queued","at":1}"#.utf8)
        XCTAssertThrowsError(try MessageCoding.decode(JobEvent.self, from: json)) { error in
            let error = error as? MessageCodingError
            XCTAssertEqual(error?.field, "v")
            XCTAssertEqual(error?.reason, "unsupported message version 2; this build reads version 1")
        }
    }

    func testDecodingRefusesAMessageWithoutAVersion() {
        let json = Array(#"{"job_id":"a","state":"queued","at":1}"#.utf8)
        XCTAssertThrowsError(try MessageCoding.decode(JobEvent.self, from: json)) { error in
            XCTAssertEqual((error as? MessageCodingError)?.description, "v: required")
        }
    }

    func testAgentMessagesIgnoreFieldsANewerAgentAdds() throws {
        let json = Array(#"{"v":1,"job_id":"a","state":"queued","at":1,"shiny_new_field":true}"#.utf8)
        XCTAssertEqual(try MessageCoding.decode(JobEvent.self, from: json).state, .queued)
    }

    func testJobsRefuseUnknownFieldsAtEveryLevel() {
        for (json, field) in [
            (jobJSON(#""bitrat":5000000"#), "bitrat"),
            (jobJSON(#""input":{"type":"file","path":"/media/a","follow_links":true}"#), "input.follow_links"),
            (jobJSON(#""output":{"type":"null","name":"x"}"#), "output.name"),
            (jobJSON(#""limits":{"cpu":100}"#), "limits.cpu"),
        ] {
            XCTAssertThrowsError(try MessageCoding.decode(Job.self, from: Array(json.utf8))) { error in
                XCTAssertEqual((error as? MessageCodingError)?.field, field)
                XCTAssertEqual((error as? MessageCodingError)?.reason, "unknown field")
            }
        }
    }

    func testMessagesAreEncodedWithSnakeCaseNames() throws {
        let json = String(decoding: try MessageCoding.encode(Examples.result), as: UTF8.self)
        for name in ["\"job_id\"", "\"resource_limits_mode\"", "\"fps_avg\"", "\"pixels_per_joule\"", "\"e_total_j\""] {
            XCTAssertTrue(json.contains(name), name)
        }
        XCTAssertFalse(json.contains("jobID"))
    }

    func testSubjectsFollowTheArchitecture() {
        XCTAssertEqual(Examples.heartbeat.subject, "hb.node-7")
        XCTAssertEqual(Examples.telemetry.subject, "metrics.node-7")
        XCTAssertEqual(Examples.event.subject, "evt.job.01JD8Z3W5K6Q9R2T4V7X8Y0ABC.progress")
        XCTAssertEqual(Examples.result.subject, "result.node-7")
        XCTAssertEqual(Subjects.cancel(jobID: "j1"), "ctl.job.j1.cancel")
        XCTAssertEqual(Examples.job.capability, .cpu)
        XCTAssertEqual(Job(id: "j", scenario: "1080p30-h264-nvenc").capability, .nvenc)
        XCTAssertNil(Job(id: "j").capability)
    }

    func testEachEncoderMapsToItsCapabilityQueue() {
        let expected: [VideoEncoder: String] = [
            .libx264: "job.cpu", .libx265: "job.cpu", .libsvtav1: "job.cpu", .libvpxVP9: "job.cpu",
            .h264NVENC: "job.nvenc", .hevcNVENC: "job.nvenc", .av1NVENC: "job.nvenc", .h264QSV: "job.qsv",
            .hevcQSV: "job.qsv", .h264VAAPI: "job.vaapi", .hevcVAAPI: "job.vaapi",
        ]
        XCTAssertEqual(expected.count, VideoEncoder.allCases.count)
        for (encoder, subject) in expected {
            XCTAssertEqual(Subjects.job(encoder.capability), subject, encoder.rawValue)
        }
    }
}
