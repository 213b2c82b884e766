import Model
import TestSupport
import XCTest

/// The master's quick telemetry decoder agrees with `MessageCoding.decode` whenever it answers, and
/// leaves to it everything not written the way agents write it.
final class TelemetryQuickDecodingTests: XCTestCase {
    private func randomSample(_ random: inout SeededGenerator) -> TelemetrySample {
        func figure(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }
        func maybe(_ range: ClosedRange<Double>) -> Double? { Bool.random(using: &random) ? figure(range) : nil }
        let sources: [EnergyReport.Source] = [.rapl, .nvmlEnergy, .nvmlPower, .nvidiaSMI, .estimated, .notMeasured]
        var sample = TelemetrySample(
            nodeID: "node-\(Int.random(in: 0...99_999, using: &random))",
            monotonicNanoseconds: Int64.random(in: 0...Int64.max, using: &random),
            sentAt: Int64.random(in: Int64.min...Int64.max, using: &random), cpuPercent: figure(0...100),
            memoryUsedMegabytes: Int.random(in: -5...1 << 40, using: &random),
            memoryTotalMegabytes: Int.random(in: 0...1 << 40, using: &random),
            power: (0..<Int.random(in: 0...3, using: &random)).map { index in
                .init(domain: "gpu\(index)", watts: figure(-1e-9...1e6), source: sources.randomElement(using: &random)!)
            },
            jobs: (0..<Int.random(in: 0...3, using: &random)).map { index in
                .init(
                    id: "job-\(index)", frame: Int.random(in: 0...Int.max, using: &random), fps: figure(0...1e4),
                    speed: maybe(0...100), bitrateKilobits: maybe(0...1e9), cpuPercent: figure(0...25_600),
                    residentMegabytes: figure(0...1e7), outputSeconds: figure(0...1e6), progress: maybe(0...1))
            })
        if Bool.random(using: &random) {
            sample.gpus = (0..<Int.random(in: 0...2, using: &random)).map { index in
                .init(
                    index: index, temperatureCelsius: maybe(0...120), memoryUsedMegabytes: maybe(0...1e6),
                    encoderPercent: maybe(0...100), decoderPercent: maybe(0...100))
            }
        }
        return sample
    }

    func testEverySampleAnAgentWritesIsReadQuicklyAsTheFullDecoderReadsIt() throws {
        var random = SeededGenerator(seed: 12)
        for _ in 0..<2_000 {
            let bytes = try MessageCoding.encode(randomSample(&random))
            let quick = try XCTUnwrap(TelemetrySample.quickDecoded(from: bytes), String(decoding: bytes, as: UTF8.self))
            XCTAssertEqual(quick, try MessageCoding.decode(TelemetrySample.self, from: bytes))
        }
    }

    func testAMangledSampleIsEitherReadAsTheFullDecoderReadsItOrLeftToIt() throws {
        var random = SeededGenerator(seed: 77)
        let pieces = Array("0123456789.eE+-\" ,:{}[]\\nulltrue".utf8) + [0x00, 0x7F, 0xC3, 0xA9]
        var quickAnswers = 0
        for _ in 0..<10_000 {
            var bytes = try MessageCoding.encode(randomSample(&random))
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: bytes[at] = pieces.randomElement(using: &random)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(pieces.randomElement(using: &random)!, at: at)
                }
                if bytes.isEmpty { break }
            }
            guard let quick = TelemetrySample.quickDecoded(from: bytes) else { continue }
            quickAnswers += 1
            let full = try? MessageCoding.decode(TelemetrySample.self, from: bytes)
            XCTAssertEqual(quick, full, "disagrees on \(String(decoding: bytes, as: UTF8.self))")
        }
        XCTAssertGreaterThan(quickAnswers, 500, "harmless changes (a digit, a blank) are still read quickly")
    }

    func testWhatAgentsDoNotWriteIsLeftToTheFullDecoder() throws {
        let plain =
            #"{"cpu_percent":12.5,"jobs":[],"mem_total_mb":8000,"mem_used_mb":100,"monotonic_ns":5,"node_id":"n1","#
            + #""power":[],"sent_at":7,"v":1"#
        XCTAssertNotNil(TelemetrySample.quickDecoded(from: Array((plain + "}").utf8)))
        let others = [
            plain + #","extra":1}"#,  // a key it does not know
            plain + #","v":1}"#,  // a repeated key
            plain.replacingOccurrences(of: #""n1""#, with: #""n\u0031""#) + "}",  // an escape
            plain.replacingOccurrences(of: #""v":1"#, with: #""v":2"#) + "}",  // another version
            plain.replacingOccurrences(of: "8000", with: "8000.0") + "}",  // an integer with a fraction
            plain.replacingOccurrences(of: #""mem_used_mb":100,"#, with: "") + "}",  // a required key missing
            plain + "} x",  // trailing text
        ]
        for text in others { XCTAssertNil(TelemetrySample.quickDecoded(from: Array(text.utf8)), text) }
        XCTAssertThrowsError(try MessageCoding.decode(TelemetrySample.self, from: Array(others[3].utf8)))
        XCTAssertNoThrow(try MessageCoding.decode(TelemetrySample.self, from: Array(others[0].utf8)))
    }
}
