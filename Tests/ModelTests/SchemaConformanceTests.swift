import Model
import XCTest

/// Real encoded messages conform to `protocol/schemas/*.json`, and broken ones do not (so the
/// schemas can fail).
final class SchemaConformanceTests: XCTestCase {
    private func assertConforms<Message: Encodable>(
        _ message: Message, to schema: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let json = try JSONValue.parse(MessageCoding.encode(message))
        XCTAssertEqual(try SchemaFiles.validator(schema).errors(json), [], file: file, line: line)
    }

    /// Each mutation of `message` (a path and a new value, nil to remove) breaks the schema.
    private func assertBreaks<Message: Encodable>(
        _ message: Message, _ schema: String, _ mutations: [([String], JSONValue?)], file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let validator = try SchemaFiles.validator(schema)
        let json = try JSONValue.parse(MessageCoding.encode(message))
        XCTAssertEqual(validator.errors(json), [], "the unbroken message conforms", file: file, line: line)
        for (path, value) in mutations {
            let broken = json.setting(path, to: value)
            XCTAssertNotEqual(
                validator.errors(broken), [], "\(path) = \(String(describing: value))", file: file, line: line)
        }
    }

    func testEncodedExamplesConformToTheirSchemas() throws {
        try assertConforms(Examples.job, to: "job")
        try assertConforms(Examples.minimalJob, to: "job")
        try assertConforms(Examples.heartbeat, to: "heartbeat")
        try assertConforms(Examples.telemetry, to: "telemetry")
        try assertConforms(Examples.event, to: "event")
        try assertConforms(JobEvent(jobID: "j", state: .queued, at: 1), to: "event")
        try assertConforms(
            JobEvent(jobID: "j", state: .failed, at: 1, attempt: 1, ackConfirmed: true, willRetry: true), to: "event")
        try assertConforms(QueuedJobEvent(job: Examples.job, at: 1), to: "event")
        try assertConforms(Examples.result, to: "result")
        try assertConforms(Examples.rejectedResult, to: "result")
    }

    func testTheExplicitFormOfEveryPresetConformsToTheJobSchema() throws {
        for scenario in ScenarioCatalog.all {
            let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"\#(scenario.name)""#)))
            try assertConforms(spec.job, to: "job")
        }
    }

    func testBrokenJobsDoNotConform() throws {
        try assertBreaks(
            Examples.job, "job",
            [
                (["v"], .number(2)), (["v"], nil), (["id"], nil), (["id"], .string("a.b")), (["wat"], .bool(true)),
                (["encoder"], .string("libx264 ")), (["scenario"], .string("1080p120-h264")), (["bitrate"], .number(1)),
                (["fps"], .number(0)), (["fps"], .string("30")), (["gop"], .number(1.5)),
                (["resolution"], .string("1080p")),
                (["priority"], .number(10)), (["quality"], .array([.string("psnr"), .string("psnr")])),
                (["input", "pattern"], .string("movie=/etc/passwd")), (["input", "type"], .string("lavfi")),
                (["input", "extra"], .number(1)), (["output", "name"], .string("../x")),
                (["limits", "timeout_s"], .number(0)), (["labels", "UPPER"], .string("x")),
                (["labels", "k"], .string(String(repeating: "x", count: 257))), (["bitrate"], .number(1_000_000)),
            ])
        try assertBreaks(
            Job(id: "j", scenario: "720p30-h264", input: .url("srt://cam:9000")), "job",
            [
                (["input", "url"], .string("concat:a|b")), (["input", "url"], .string("file:///etc/passwd")),
                (["input", "url"], .string("rtmp://user:pw@host/app")), (["input", "url"], .string("rtmp://host/a b")),
                (["input", "path"], .string("/media/a")),
            ])
    }

    func testBrokenHeartbeatsDoNotConform() throws {
        try assertBreaks(
            Examples.heartbeat, "heartbeat",
            [
                (["state"], .string("sleeping")), (["hardware", "cores"], .number(0)), (["hardware", "gpus"], nil),
                (["power_sources"], .array([.string("rapl"), .string("rapl")])), (["sent_at"], .number(-1)),
                (["running_jobs"], .array([.string("a.b")])), (["slots_total"], nil), (["extra"], .null),
            ])
    }

    func testBrokenTelemetryDoesNotConform() throws {
        try assertBreaks(
            Examples.telemetry, "telemetry",
            [
                (["cpu_percent"], .number(101)), (["power"], .array([.object(["domain": .string("package")])])),
                (["jobs"], .array([.object(["id": .string("j")])])), (["monotonic_ns"], nil),
                (["node_id"], .string("")),
            ])
    }

    func testBrokenEventsDoNotConform() throws {
        try assertBreaks(
            Examples.event, "event",
            [(["state"], .string("exploded")), (["progress"], .number(1.5)), (["attempt"], .number(0)), (["at"], nil)])
        try assertBreaks(
            JobEvent(jobID: "j", state: .failed, at: 1, attempt: 1, ackConfirmed: false, willRetry: true), "event",
            [(["will_retry"], .string("yes")), (["ack_confirmed"], .number(1))])
    }

    func testBrokenResultsDoNotConform() throws {
        try assertBreaks(
            Examples.result, "result",
            [
                (["status"], .string("done")), (["energy"], nil), (["ffmpeg"], nil), (["cost"], nil),
                (["reject_field"], .string("gop")), (["energy", "source"], .string("guessed")),
                (["energy", "e_total_j"], .number(-1)), (["energy", "components"], .array([.object([:])])),
                (["quality", "ssim"], .number(1.5)), (["efficiency", "quality_basis"], .string("vmaf")),
                (["ffmpeg", "argv"], .array([])), (["resource_limits_mode"], .string("docker")), (["labels"], nil),
                (["timings", "finished_at"], nil), (["encoder"], .string("x264")),
            ])
        try assertBreaks(Examples.rejectedResult, "result", [(["error"], nil), (["attempt"], .number(0))])
    }

    func testTheExamplesInMessagesDocumentationConformToTheirSchemas() throws {
        let text = String(decoding: try SchemaFiles.read("protocol/MESSAGES.md"), as: UTF8.self)
        var checked: Set<String> = []
        var schema: String?
        var block: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<!-- schema: ") {
                schema = String(line.dropFirst("<!-- schema: ".count).prefix { $0 != " " })
            } else if line == "```json", schema != nil {
                block = []
            } else if line == "```", let lines = block, let name = schema {
                let json = try JSONValue.parse(Array(lines.joined(separator: "\n").utf8))
                XCTAssertEqual(try SchemaFiles.validator(name).errors(json), [], "MESSAGES.md example for \(name)")
                checked.insert(name)
                block = nil
                schema = nil
            } else if block != nil {
                block?.append(line)
            }
        }
        XCTAssertEqual(checked, ["job", "heartbeat", "telemetry", "event", "result"])
    }
}
