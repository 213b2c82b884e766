import Model
import XCTest

final class ScenarioCatalogTests: XCTestCase {
    /// name: resolution, fps, encoder, preset, bitrate.
    private let expected: [(String, Resolution, Double, VideoEncoder, String?, Int)] = [
        ("720p30-h264", .hd720, 30, .libx264, "medium", 3_000_000),
        ("720p30-h264-nvenc", .hd720, 30, .h264NVENC, "p4", 3_000_000),
        ("720p30-h264-qsv", .hd720, 30, .h264QSV, "medium", 3_000_000),
        ("720p30-h264-vaapi", .hd720, 30, .h264VAAPI, nil, 3_000_000),
        ("1080p30-h264", .fullHD, 30, .libx264, "medium", 6_000_000),
        ("1080p-h264", .fullHD, 30, .libx264, "medium", 6_000_000),
        ("1080p60-h264", .fullHD, 60, .libx264, "medium", 9_000_000),
        ("1080p60-h264-nvenc", .fullHD, 60, .h264NVENC, "p4", 9_000_000),
        ("4k30-h264", .uhd4K, 30, .libx264, "medium", 25_000_000),
        ("1080p30-h265", .fullHD, 30, .libx265, "medium", 4_000_000),
        ("1080p-h265", .fullHD, 30, .libx265, "medium", 4_000_000),
        ("1080p-h265-vaapi", .fullHD, 30, .hevcVAAPI, nil, 4_000_000),
        ("1080p60-h265", .fullHD, 60, .libx265, "medium", 6_000_000),
        ("1080p60-h265-qsv", .fullHD, 60, .hevcQSV, "medium", 6_000_000),
        ("4k30-h265", .uhd4K, 30, .libx265, "medium", 15_000_000),
        ("4k30-h265-nvenc", .uhd4K, 30, .hevcNVENC, "p4", 15_000_000),
        ("720p30-vp9", .hd720, 30, .libvpxVP9, "good", 2_000_000),
        ("1080p30-av1", .fullHD, 30, .libsvtav1, "8", 3_000_000),
        ("1080p30-av1-nvenc", .fullHD, 30, .av1NVENC, "p4", 3_000_000),
        ("4k30-av1", .uhd4K, 30, .libsvtav1, "8", 10_000_000),
        ("4k30-av1-nvenc", .uhd4K, 30, .av1NVENC, "p4", 10_000_000),
    ]

    func testEveryPresetExpandsAsDocumented() throws {
        for (name, resolution, fps, encoder, preset, bitrate) in expected {
            let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"\#(name)""#)), name)
            XCTAssertEqual(spec.resolution, resolution, name)
            XCTAssertEqual(spec.fps, fps, name)
            XCTAssertEqual(spec.encoder, encoder, name)
            XCTAssertEqual(spec.preset, preset, name)
            XCTAssertEqual(spec.rateControl, .bitrate(bitrate), name)
            XCTAssertEqual(spec.gop, Int(fps) * 2, "two seconds of frames: \(name)")
            XCTAssertEqual(
                spec.input, .generated(pattern: .testsrc2, resolution: resolution, fps: fps, durationSeconds: 10), name)
            XCTAssertEqual(spec.durationSeconds, 10, name)
            XCTAssertEqual(spec.output, .null, name)
            XCTAssertEqual(spec.subject, "job.\(encoder.capability.rawValue)", name)
        }
    }

    func testEveryPresetInTheCatalogIsValidAndSelfConsistent() throws {
        for scenario in ScenarioCatalog.all {
            let spec = try XCTUnwrap(accept(jobJSON(#""scenario":"\#(scenario.name)""#)), scenario.name)
            XCTAssertEqual(spec.encoder, scenario.encoder)
            if let preset = scenario.preset { XCTAssertTrue(scenario.encoder.presets.contains(preset), scenario.name) }
            XCTAssertEqual(ScenarioCatalog.named(scenario.name), scenario)
        }
        XCTAssertEqual(Set(ScenarioCatalog.all.map(\.name)).count, ScenarioCatalog.all.count, "names are unique")
    }

    func testHardwareVariantsExistExactlyWhereTheHardwareHasAnEncoder() {
        let names = Set(ScenarioCatalog.all.map(\.name))
        for base in ["720p30-h264", "1080p60-h264", "4k30-h264", "1080p-h265", "4k30-h265"] {
            for suffix in ["nvenc", "qsv", "vaapi"] {
                XCTAssertTrue(names.contains("\(base)-\(suffix)"), base + suffix)
            }
        }
        XCTAssertTrue(names.contains("4k30-av1-nvenc"))
        XCTAssertFalse(names.contains("4k30-av1-qsv"))
        XCTAssertFalse(names.contains("4k30-av1-vaapi"))
        XCTAssertFalse(names.contains("720p30-vp9-nvenc"))
        XCTAssertEqual(ScenarioCatalog.all.count, 41)
    }

    func testTheSummaryLineDescribesThePreset() throws {
        let scenario = try XCTUnwrap(ScenarioCatalog.named("1080p60-h265"))
        XCTAssertEqual(scenario.summary, "1920x1080 60 fps libx265 preset medium 6 Mbit/s gop 120, testsrc2 10 s")
    }

    func testTheJobSchemaListsExactlyTheCatalogsScenariosEncodersAndPresets() throws {
        let schema = try JSONValue.parse(SchemaFiles.read("protocol/schemas/job.json"))
        let properties = schema["properties"]
        XCTAssertEqual(properties?["scenario"]?["enum"], .array(ScenarioCatalog.all.map { .string($0.name) }))
        XCTAssertEqual(properties?["encoder"]?["enum"], .array(VideoEncoder.allNames.map(JSONValue.string)))
        var presets: [String] = []
        for encoder in VideoEncoder.allCases {
            for preset in encoder.presets where !presets.contains(preset) { presets.append(preset) }
        }
        XCTAssertEqual(properties?["preset"]?["enum"], .array(presets.map(JSONValue.string)))
    }
}
