import Energy
import Model
import Support
import XCTest

/// This machine as it is: no RAPL and no GPU here, so the meter estimates, from the real /proc.
final class RealMachineTests: XCTestCase {
    func testThisMachineIsMeasuredOrHonestlyEstimatedFromTheRealProc() throws {
        var configuration = EnergyMeterConfiguration()
        configuration.logger = MeterFixture.quietLogger
        let meter = try EnergyMeter(configuration: configuration)
        let hasRAPL = !PowercapDiscovery().zones().isEmpty
        if !hasRAPL { XCTAssertEqual(meter.availableSources.first, "estimated") }
        let began = Clock.monotonicNanoseconds()
        meter.begin(jobID: "self", processID: getpid(), at: began)
        var spin = 0.0
        while Clock.monotonicNanoseconds() - began < 250_000_000 { spin += sin(spin) + 1 }
        XCTAssertGreaterThan(spin, 0)
        let report = try XCTUnwrap(meter.end(jobID: "self", at: Clock.monotonicNanoseconds()))
        let cpu = try XCTUnwrap(report.components.first)
        XCTAssertEqual(cpu.samples, 2)
        XCTAssertGreaterThan(report.totalJoules, 0)
        XCTAssertGreaterThan(cpu.dynamicJoules, 0, "the spinning test process had CPU time")
        if !hasRAPL {
            XCTAssertEqual(report.source, .estimated)
            XCTAssertEqual(cpu.domain, "cpu")
            XCTAssertTrue(cpu.model?.contains("0.1 + 0.9 u³") == true)
        }
    }

    func testTheSamplingThreadSamplesUntilStopped() throws {
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent", proc: proc.root))
        let sampler = try EnergySamplingThread(meter: meter, intervalSeconds: 0.02)
        var waited = 0
        while (meter.totals["cpu"]?.intervals ?? 0) + (meter.totals["cpu"]?.gaps ?? 0) < 3 && waited < 200 {
            Clock.sleep(seconds: 0.01)
            waited += 1
        }
        sampler.stop()
        let seen = (meter.totals["cpu"]?.intervals ?? 0) + (meter.totals["cpu"]?.gaps ?? 0)
        XCTAssertGreaterThanOrEqual(seen, 3)
        Clock.sleep(seconds: 0.06)
        XCTAssertEqual((meter.totals["cpu"]?.intervals ?? 0) + (meter.totals["cpu"]?.gaps ?? 0), seen, "stopped")
        sampler.stop()
    }
}
