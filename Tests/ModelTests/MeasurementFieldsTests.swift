import Model
import XCTest

/// Dropped and duplicated frames in results and GPU state in telemetry: wire names, schemas and
/// bounds.
final class MeasurementFieldsTests: XCTestCase {
    func testDroppedAndDuplicatedFramesTravelAndNegativeOnesAreImplausible() throws {
        var result = Examples.result
        result.ffmpeg?.droppedFrames = 2
        result.ffmpeg?.duplicatedFrames = 5
        let encoded = try MessageCoding.encode(result)
        let text = String(decoding: encoded, as: UTF8.self)
        XCTAssertTrue(text.contains("\"drop_frames\":2") && text.contains("\"dup_frames\":5"), text)
        XCTAssertEqual(try SchemaFiles.validator("result").errors(JSONValue.parse(encoded)), [])
        XCTAssertNil(result.implausibleField)
        result.ffmpeg?.droppedFrames = -1
        XCTAssertEqual(result.implausibleField, "frames")
    }

    func testGPUStateInTelemetryConformsToTheSchemaAndOmitsWhatIsNotReported() throws {
        var sample = Examples.telemetry
        sample.gpus = [TelemetrySample.GPUState(index: 0, temperatureCelsius: 61, memoryUsedMegabytes: 812)]
        let encoded = try MessageCoding.encode(sample)
        let text = String(decoding: encoded, as: UTF8.self)
        XCTAssertTrue(text.contains("\"gpus\":[{\"index\":0,\"memory_used_mb\":812,\"temperature_c\":61}]"), text)
        XCTAssertEqual(try SchemaFiles.validator("telemetry").errors(JSONValue.parse(encoded)), [])
        XCTAssertEqual(try MessageCoding.decode(TelemetrySample.self, from: encoded), sample)
        XCTAssertNil(
            try MessageCoding.decode(TelemetrySample.self, from: MessageCoding.encode(Examples.telemetry)).gpus)
    }
}
