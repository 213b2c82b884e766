import Model
import XCTest

/// Jobs written to break out: each must be refused before anything runs, naming the field, or
/// (for shell syntax in free text) kept verbatim because no shell ever sees it.
final class HostileJobTests: XCTestCase {
    private let scenario = #""scenario":"720p30-h264","#

    func testAShellCommandAsTheJobIdIsRejected() {
        reject(#"{"v":1,"id":";rm -rf /","scenario":"720p30-h264"}"#, field: "id")
    }

    func testCommandSubstitutionAsThePresetIsRejected() {
        reject(jobJSON(scenario + #""preset":"$(reboot)""#), field: "preset")
    }

    func testBackticksAsTheScenarioAreRejected() {
        reject(jobJSON(#""scenario":"`reboot`""#), field: "scenario")
    }

    func testShellSyntaxInALabelValueIsKeptVerbatimBecauseNoShellRuns() {
        let value = #";rm -rf / $(reboot) `id` | nc evil 1 && echo"#
        XCTAssertEqual(accept(jobJSON(scenario + #""labels":{"note":"\#(value)"}"#))?.labels["note"], value)
    }

    func testShellSyntaxInAnOutputNameIsRejected() {
        reject(jobJSON(scenario + #""output":{"type":"file","name":"a;rm -rf ~"}"#), field: "output.name")
        reject(jobJSON(scenario + #""output":{"type":"file","name":"$(id).mp4"}"#), field: "output.name")
    }

    func testARelativeTraversalPathIsRejected() {
        reject(jobJSON(scenario + #""input":{"type":"file","path":"../../etc/passwd"}"#), field: "input.path")
        reject(jobJSON(scenario + #""output":{"type":"file","name":"../../etc/passwd"}"#), field: "output.name")
    }

    func testDotDotInsideAnAllowedRootIsRejected() {
        let rejection = reject(
            jobJSON(scenario + #""input":{"type":"file","path":"/media/../etc/shadow"}"#), field: "input.path")
        XCTAssertEqual(rejection?.reason, "must not contain .. components")
        reject(jobJSON(scenario + #""input":{"type":"file","path":"/media/a/../../etc/shadow"}"#), field: "input.path")
    }

    func testAMovieFilterCannotBeAGeneratedPattern() {
        for pattern in [
            "movie=/etc/passwd", "amovie=/etc/passwd", "testsrc2,movie=/etc/passwd", "testsrc2=s=1x1", "TESTSRC2",
        ] {
            let rejection = reject(
                jobJSON(scenario + #""input":{"type":"generated","pattern":"\#(pattern)"}"#), field: "input.pattern")
            XCTAssertTrue(rejection?.reason.hasPrefix("unknown pattern") ?? false, pattern)
        }
    }

    func testTheConcatProtocolIsRejected() {
        reject(jobJSON(scenario + #""input":{"type":"url","url":"concat:/media/a|/etc/passwd"}"#), field: "input.url")
        reject(jobJSON(scenario + #""input":{"type":"file","path":"concat:a|b"}"#), field: "input.path")
    }

    func testTheSubfileProtocolIsRejected() {
        reject(
            jobJSON(scenario + #""input":{"type":"url","url":"subfile,,start,0,end,100,,:/etc/passwd"}"#),
            field: "input.url")
        reject(jobJSON(scenario + #""input":{"type":"url","url":"subfile:/etc/passwd"}"#), field: "input.url")
    }

    func testTheFileProtocolIsRejected() {
        reject(jobJSON(scenario + #""input":{"type":"url","url":"file:/etc/passwd"}"#), field: "input.url")
        reject(jobJSON(scenario + #""input":{"type":"url","url":"file:///etc/passwd"}"#), field: "input.url")
        reject(jobJSON(scenario + #""output":{"type":"url","url":"file:///etc/cron.d/x"}"#), field: "output.url")
    }

    func testDataPipeAndHTTPProtocolsAreRejectedUnlessThePolicyAllowsHTTP() {
        for url in [
            "data:video/mp4;base64,AAAA", "pipe:0", "http://example.com/a.mp4", "https://example.com/a.mp4",
            "tcp://a:1",
        ] {
            reject(jobJSON(scenario + #""input":{"type":"url","url":"\#(url)"}"#), field: "input.url")
        }
        var policy = ValidationPolicy.testing
        policy.allowedURLSchemes.insert("https")
        XCTAssertNotNil(
            accept(jobJSON(scenario + #""input":{"type":"url","url":"https://example.com/a.mp4"}"#), policy: policy))
    }

    func testProtocolsThatReadLocalFilesStayRejectedEvenIfThePolicyListsThem() {
        var policy = ValidationPolicy.testing
        policy.allowedURLSchemes.formUnion(["file", "concat", "subfile", "data", "pipe", "hls"])
        for url in ["file://localhost/etc/passwd", "concat://a", "subfile://x", "hls://host/x.m3u8", "pipe://0"] {
            reject(jobJSON(scenario + #""input":{"type":"url","url":"\#(url)"}"#), field: "input.url", policy: policy)
        }
    }

    func testCredentialsInAURLAreRejected() {
        let rejection = reject(
            jobJSON(scenario + #""output":{"type":"url","url":"rtmp://user:secret@live/app/key"}"#), field: "output.url"
        )
        XCTAssertFalse(rejection?.reason.contains("secret") ?? true, "the reason does not echo the password")
    }

    func testAnAbsurdResolutionIsRejected() {
        reject(jobJSON(scenario + #""resolution":"100000x100000""#), field: "resolution")
        reject(jobJSON(scenario + #""resolution":"99999x99999""#), field: "resolution")
        reject(jobJSON(scenario + #""resolution":"99999999999999999999x2""#), field: "resolution")
    }

    func testNegativeNumbersAreRejected() {
        for (member, field) in [
            (#""bitrate":-1"#, "bitrate"), (#""crf":-1"#, "crf"), (#""fps":-30"#, "fps"), (#""gop":-1"#, "gop"),
            (#""duration_s":-5"#, "duration_s"), (#""priority":-1"#, "priority"),
            (#""limits":{"timeout_s":-1}"#, "limits.timeout_s"), (#""limits":{"memory_mb":-64}"#, "limits.memory_mb"),
            (#""limits":{"cpu_percent":-100}"#, "limits.cpu_percent"), (#""submitted_at":-1"#, "submitted_at"),
        ] {
            reject(jobJSON(scenario + member), field: field)
        }
    }

    func testHugeNumbersAreRejected() {
        for (member, field) in [
            (#""bitrate":1e20"#, "bitrate"), (#""bitrate":9223372036854775807"#, "bitrate"),
            (#""bitrate":99999999999999999999999"#, "bitrate"), (#""fps":1e308"#, "fps"),
            (#""duration_s":1e300"#, "duration_s"), (#""limits":{"timeout_s":1e30}"#, "limits.timeout_s"),
            (#""gop":4294967296"#, "gop"), (#""priority":1e2"#, "priority"),
        ] {
            reject(jobJSON(scenario + member), field: field)
        }
    }

    func testNaNAndInfinityInJSONAreRejected() {
        for value in ["NaN", "nan", "Infinity", "-Infinity", "1e999", "-1e999"] {
            reject(jobJSON(scenario + #""fps":\#(value)"#), field: "fps")
        }
        reject(
            jobJSON(scenario + #""input":{"type":"generated","pattern":"testsrc2","duration_s":NaN}"#),
            field: "input.duration_s")
    }

    func testNaNInADecodedJobIsRejected() {
        reject(Job(id: "j", scenario: "720p30-h264", fps: .nan), field: "fps")
        reject(Job(id: "j", scenario: "720p30-h264", durationSeconds: .infinity), field: "duration_s")
    }

    func testAnUnknownEncoderIsRejectedWithTheAllowedList() {
        let rejection = reject(jobJSON(scenario + #""encoder":"libx264 -vf movie=/etc/passwd""#), field: "encoder")
        XCTAssertEqual(
            rejection?.reason,
            #"unknown encoder "libx264 -vf movie=/etc/passwd"; allowed: libx264, libx265, libsvtav1, libvpx-vp9, "#
                + "h264_nvenc, hevc_nvenc, av1_nvenc, h264_qsv, hevc_qsv, h264_vaapi, hevc_vaapi")
    }

    func testUnknownFieldsAreRejectedByName() {
        let rejection = reject(jobJSON(scenario + #""extra_args":["-vf","movie=/etc/passwd"]"#), field: "extra_args")
        XCTAssertEqual(rejection?.reason, "unknown field")
        reject(jobJSON(scenario + #""attempt":3"#), field: "attempt")
    }

    func testOneMegabyteStringsAreRejectedInEveryField() {
        let huge = String(repeating: "a", count: 1 << 20)
        reject(Job(id: huge, scenario: "720p30-h264"), field: "id")
        reject(Job(id: "j", scenario: huge), field: "scenario")
        reject(Job(id: "j", scenario: "720p30-h264", preset: huge), field: "preset")
        reject(Job(id: "j", scenario: "720p30-h264", input: .file(path: "/media/" + huge)), field: "input.path")
        reject(Job(id: "j", scenario: "720p30-h264", input: .url("rtmp://a/" + huge)), field: "input.url")
        reject(Job(id: "j", scenario: "720p30-h264", output: .file(name: huge)), field: "output.name")
        reject(Job(id: "j", scenario: "720p30-h264", output: .url("rtmp://a/" + huge)), field: "output.url")
        reject(Job(id: "j", scenario: "720p30-h264", labels: ["k": huge]), field: "labels.k")
        reject(Job(id: "j", scenario: "720p30-h264", labels: [huge: "v"]), field: "labels")
        let rejection = reject(jobJSON(scenario + #""labels":{"k":"\#(huge)"}"#), field: "")
        XCTAssertTrue(rejection?.reason.hasPrefix("message is 1048") ?? false)
        XCTAssertLessThan(rejection?.description.utf8.count ?? .max, 200, "reasons never echo the megabyte")
    }

    func testDeeplyNestedJSONIsRejectedBeforeDecoding() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        var policy = ValidationPolicy.testing
        policy.maximumMessageBytes = 1 << 20
        let rejection = reject(
            jobJSON(scenario + #""labels":\#(deep)"#), field: "labels" + String(repeating: "[0]", count: 15),
            policy: policy)
        XCTAssertEqual(rejection?.reason, "nested deeper than 16 levels")
        XCTAssertNil(rejection?.jobID, "the decoder refuses this depth too, so not even the id is read")
        let shallow = jobJSON(
            scenario + #""labels":\#(String(repeating: "[", count: 17) + String(repeating: "]", count: 17))"#)
        XCTAssertEqual(reject(shallow, field: "labels" + String(repeating: "[0]", count: 15))?.jobID, "job-1")
        reject(
            String(repeating: "{\"a\":", count: 50_000), field: String(repeating: "a.", count: 15) + "a", policy: policy
        )
    }

    func testDuplicateFieldsAreRejected() {
        let rejection = reject(
            jobJSON(#""encoder":"libx264","scenario":"720p30-h264","encoder":"h264_nvenc""#), field: "encoder")
        XCTAssertEqual(rejection?.reason, "duplicate field")
        XCTAssertEqual(rejection?.jobID, "job-1")
        XCTAssertNil(reject(#"{"v":1,"id":"a","id":"b","scenario":"720p30-h264"}"#, field: "id")?.jobID)
    }

    func testFieldNamesWrittenWithEscapesAreRejected() {
        reject(jobJSON(#""scenario":"720p30-h264","enc\u006fder":"h264_nvenc""#), field: #"enc\u006fder"#)
    }

    func testControlCharactersAreRejectedInEveryStringField() {
        reject(jobJSON(scenario + #""input":{"type":"file","path":"/media/a\u0000.mp4"}"#), field: "input.path")
        reject(jobJSON(scenario + #""input":{"type":"url","url":"rtmp://a/b\u001b[2J"}"#), field: "input.url")
        reject(jobJSON(#""scenario":"720p30-h264\n""#), field: "scenario")
        reject(jobJSON(scenario + #""preset":"fast\r""#), field: "preset")
        reject(jobJSON(scenario + #""labels":{"a":"\u0085"}"#), field: "labels.a")
    }

    func testSpacesAndQuotesInURLsAreRejected() {
        for url in ["rtmp://a/b c", #"rtmp://a/b\"c"#, "rtmp://a/b`id`", "rtmp://a/b|c", "rtmp://a/{b}"] {
            reject(jobJSON(scenario + #""output":{"type":"url","url":"\#(url)"}"#), field: "output.url")
        }
    }
}
