import Energy
import Support
import Model
import XCTest

/// With no sensor, an honest estimate labelled as one (docs/energy.md, "When no sensor exists").
final class EstimateTests: XCTestCase {
    func testTheLoadCurveGivesHandComputedWatts() {
        let estimate = CPUPowerEstimate(configuredWatts: nil, threads: 2)
        XCTAssertEqual(estimate.tdpWatts, 8)
        XCTAssertEqual(estimate.watts(utilization: 0), 0.8, accuracy: 1e-12)
        XCTAssertEqual(estimate.watts(utilization: 0.5), 1.7, accuracy: 1e-12)  // 8 · (0.1 + 0.9 · 0.125)
        XCTAssertEqual(estimate.watts(utilization: 1), 8, accuracy: 1e-12)
        XCTAssertEqual(estimate.watts(utilization: 1.5), 8, accuracy: 1e-12, "u is clamped to 1")
    }

    func testTheTDPComesFromTheSettingThenThreadsThenEightyFiveWatts() {
        XCTAssertEqual(CPUPowerEstimate(configuredWatts: 65, threads: 16).tdpWatts, 65)
        XCTAssertEqual(CPUPowerEstimate(configuredWatts: 65, threads: 16).basis, .configured)
        XCTAssertEqual(CPUPowerEstimate(configuredWatts: nil, threads: 16).tdpWatts, 64)
        XCTAssertEqual(CPUPowerEstimate(configuredWatts: nil, threads: nil).tdpWatts, 85)
        XCTAssertEqual(
            CPUPowerEstimate(configuredWatts: nil, threads: 2).modelDescription,
            "P = TDP 8 W (4 W × 2 hardware threads) · (0.1 + 0.9 u³), u = host CPU utilisation from /proc/stat")
        XCTAssertEqual(
            CPUPowerEstimate(configuredWatts: 35.5, threads: nil).modelDescription,
            "P = TDP 35.5 W (configured) · (0.1 + 0.9 u³), u = host CPU utilisation from /proc/stat")
    }

    func testAMachineWithoutSensorsReportsAnEstimateWithItsModel() throws {
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent/powercap", proc: proc.root))
        XCTAssertEqual(meter.availableSources, ["estimated"])
        XCTAssertEqual(meter.cpuSensorStatus, .absent)
        XCTAssertEqual(meter.gpuSensorStatus, .absent)
        meter.begin(jobID: "e", processID: 100, at: MeterFixture.start)
        // Two 1-second intervals at u = 0.5 (100 busy ticks of 200); the job used half of the busy time.
        for step in 1...2 {
            proc.advanceHost(busy: 100, idle: 100)
            proc.setProcess(100, parent: 1, user: UInt64(50 * step))
            meter.sample(now: MeterFixture.start + UInt64(step) * MeterFixture.second)
            MeterFixture.assertInvariant(meter)
        }
        let report = try XCTUnwrap(meter.end(jobID: "e", at: MeterFixture.start + 2 * MeterFixture.second))
        XCTAssertEqual(report.source, .estimated)
        let cpu = try XCTUnwrap(report.components.first)
        XCTAssertEqual(cpu.domain, "cpu")
        XCTAssertEqual(cpu.source, .estimated)
        XCTAssertEqual(
            cpu.model,
            "P = TDP 8 W (4 W × 2 hardware threads) · (0.1 + 0.9 u³), u = host CPU utilisation from /proc/stat")
        // Per interval: 1.7 J; dynamic 1.7 · 0.5 · (0.5 / 1.0) = 0.425; idle 0.85 (only job alive).
        XCTAssertEqual(cpu.dynamicJoules, 0.85, accuracy: 1e-9)
        XCTAssertEqual(cpu.idleJoules, 1.7, accuracy: 1e-9)
        XCTAssertEqual(report.totalJoules, 2.55, accuracy: 1e-9)
        XCTAssertEqual(meter.totals["cpu"]?.measuredJoules ?? 0, 3.4, accuracy: 1e-9)
    }

    func testBadSettingsAreRefusedByName() {
        var configuration = EnergyMeterConfiguration()
        configuration.sampleIntervalSeconds = 5
        XCTAssertThrowsError(try EnergyMeter(configuration: configuration)) {
            XCTAssertTrue("\($0)".contains("sample interval"), "\($0)")
        }
        configuration = EnergyMeterConfiguration()
        configuration.tdpWatts = -3
        XCTAssertThrowsError(try configuration.validate()) { XCTAssertTrue("\($0)".contains("TDP"), "\($0)") }
    }
}

/// The one start line says what was found and why anything was left out.
final class StartLogTests: XCTestCase {
    func testTheStartLineNamesTheSourcesZonesAndNotes() throws {
        let directory = TestDirectory()
        let tree = FakePowercapTree.twoSockets()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        var configuration = MeterFixture.configuration(powercap: tree.root, proc: proc.root)
        configuration.logger = Logger(component: "energy", sink: try LogSink(path: directory.path + "/log"))
        _ = try EnergyMeter(configuration: configuration)
        let text = LiveSystemFiles().read(directory.path + "/log").text ?? ""
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        XCTAssertTrue(
            text.contains("msg=\"energy sensors\" sources=rapl cpu=\"rapl package-0,package-1,dram,dram\""), text)
        XCTAssertTrue(text.contains("gpu=none"), text)
        XCTAssertTrue(text.contains("intel-rapl:1 (psys) not used"), text)
    }
}

/// Intervals shorter than a clock tick.
final class ShortIntervalTests: XCTestCase {
    func testAnIntervalShorterThanATickKeepsTheLastUtilisationInsteadOfBecomingAGap() throws {
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent", proc: proc.root))
        meter.begin(jobID: "s", processID: 100, at: MeterFixture.start)
        proc.advanceHost(busy: 100, idle: 100)
        meter.sample(now: MeterFixture.start + MeterFixture.second)
        let report = try XCTUnwrap(meter.end(jobID: "s", at: MeterFixture.start + MeterFixture.second + 2_000_000))
        let cpu = try XCTUnwrap(report.components.first)
        XCTAssertEqual(cpu.gaps, 0)
        XCTAssertEqual(cpu.coverage, 1, accuracy: 1e-12)
        XCTAssertEqual(meter.lastPowerWatts["cpu"] ?? 0, 1.7, accuracy: 1e-9, "u = 0.5 carried over")
    }
}
