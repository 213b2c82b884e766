import Energy
import Model
import XCTest

@testable import Agent

/// Telemetry's GPU state: what the meter last read, missing values kept missing, and bounds on
/// what a node may send.
final class TelemetryGPUTests: XCTestCase {
    func testEachGPUReadingBecomesOneTelemetryEntry() {
        var reading = GPUReading(index: 1)
        reading.temperatureCelsius = 61
        reading.memoryUsedMegabytes = 812
        reading.encoderUtilizationPercent = 38
        XCTAssertEqual(
            TelemetryCollector.gpuStates([reading]),
            [TelemetrySample.GPUState(index: 1, temperatureCelsius: 61, memoryUsedMegabytes: 812, encoderPercent: 38)])
    }

    func testImpossibleGPUFiguresMakeTheSampleImplausible() {
        var sample = TelemetrySample(
            nodeID: "n", monotonicNanoseconds: 1, sentAt: 1, cpuPercent: 1, memoryUsedMegabytes: 1,
            memoryTotalMegabytes: 2)
        sample.gpus = [TelemetrySample.GPUState(index: 0, temperatureCelsius: 65, encoderPercent: 90)]
        XCTAssertNil(sample.implausibleField)
        for broken in [
            TelemetrySample.GPUState(index: -1), TelemetrySample.GPUState(index: 0, temperatureCelsius: 900),
            TelemetrySample.GPUState(index: 0, memoryUsedMegabytes: -5),
            TelemetrySample.GPUState(index: 0, encoderPercent: 101),
            TelemetrySample.GPUState(index: 0, decoderPercent: .nan),
        ] {
            sample.gpus = [broken]
            XCTAssertEqual(sample.implausibleField, "gpus", "\(broken)")
        }
        sample.gpus = Array(repeating: TelemetrySample.GPUState(index: 0), count: 65)
        XCTAssertEqual(sample.implausibleField, "gpus")
    }
}
