import Energy
import XCTest

/// Counters advanced at known watts between samples: the meter's joules are watts × seconds.
final class RAPLMeasurementTests: XCTestCase {
    private let second = MeterFixture.second

    private func meter(_ tree: FakePowercapTree, _ proc: FakeProc) throws -> EnergyMeter {
        proc.advanceHost(busy: 0, idle: 0)
        return try EnergyMeter(configuration: MeterFixture.configuration(powercap: tree.root, proc: proc.root))
    }

    func testTwoSocketsAddUpPackagesAndDramAndMatchWattsTimesSeconds() throws {
        let tree = FakePowercapTree.twoSockets()
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        XCTAssertEqual(meter.availableSources, ["rapl"])
        var time = MeterFixture.start
        meter.sample(now: time)
        let steps: [(Double, Double, Double, Double, Double)] = [
            (40, 60, 5, 7, 1), (85.5, 10, 6, 6, 1), (120, 130, 9, 8, 0.5), (3, 2, 1, 1, 2),
        ]
        var package = 0.0
        var dram = 0.0
        for (package0, package1, dram0, dram1, seconds) in steps {
            tree.stepTwoSockets(package0: package0, package1: package1, dram0: dram0, dram1: dram1, seconds: seconds)
            proc.advanceHost(busy: 50, idle: 150)
            time += UInt64(seconds * 1e9)
            meter.sample(now: time)
            package += (package0 + package1) * seconds
            dram += (dram0 + dram1) * seconds
            MeterFixture.assertInvariant(meter)
        }
        let totals = meter.totals
        XCTAssertEqual(totals["package"]?.measuredJoules ?? 0, package, accuracy: package * 1e-6)
        XCTAssertEqual(totals["dram"]?.measuredJoules ?? 0, dram, accuracy: dram * 1e-6)
        XCTAssertNil(totals["psys"], "psys is never added to the packages")
        XCTAssertNil(totals["cpu"])
        XCTAssertEqual(totals["package"]?.intervals, steps.count)
        XCTAssertEqual(meter.lastPowerWatts["package"] ?? 0, 5, accuracy: 1e-6)
    }

    func testAWrapAtTheZoneRangeIsCountedAndGivesTheDocumentedFiveJoules() throws {
        let tree = FakePowercapTree()
        let range: UInt64 = 262_143_328_850
        tree.add("intel-rapl:0", name: "package-0", range: range, energy: range - 1_000_000)
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        meter.sample(now: MeterFixture.start)
        tree.set("intel-rapl:0", microjoules: 4_000_000)
        proc.advanceHost(busy: 10, idle: 190)
        meter.sample(now: MeterFixture.start + second)
        XCTAssertEqual(meter.lastIntervals.first?.joules ?? 0, 5, accuracy: 1e-9)
        XCTAssertEqual(meter.totals["package"]?.wraps, 1)
        XCTAssertEqual(meter.totals["package"]?.gaps, 0)
    }

    func testAWrapPastTheRangeWhileAdvancingAtKnownWattsStaysExact() throws {
        let tree = FakePowercapTree()
        // A 100 J range allows reads 100 J ÷ (10 W × 1.5) = 6.7 s apart.
        tree.add("intel-rapl:0", name: "package-0", range: 100_000_000, energy: 90_000_000, powerLimitWatts: 10)
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        var time = MeterFixture.start
        meter.sample(now: time)
        for _ in 0..<5 {
            tree.advance("intel-rapl:0", watts: 7.5, seconds: 1)
            proc.advanceHost(busy: 10, idle: 190)
            time += second
            meter.sample(now: time)
        }
        XCTAssertEqual(meter.totals["package"]?.measuredJoules ?? 0, 37.5, accuracy: 1e-9)
        XCTAssertEqual(meter.totals["package"]?.wraps, 1)
    }

    func testAWrapWithNoKnownRangeIsDroppedAsAGap() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0", range: nil, energy: 50_000_000)
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        meter.sample(now: MeterFixture.start)
        tree.set("intel-rapl:0", microjoules: 1_000_000)
        proc.advanceHost(busy: 10, idle: 190)
        meter.sample(now: MeterFixture.start + second)
        tree.set("intel-rapl:0", microjoules: 3_000_000)
        proc.advanceHost(busy: 10, idle: 190)
        meter.sample(now: MeterFixture.start + 2 * second)
        XCTAssertEqual(meter.totals["package"]?.gaps, 1)
        XCTAssertEqual(meter.totals["package"]?.measuredJoules ?? 0, 2, accuracy: 1e-9, "only the good interval")
    }

    func testMirroredDieCountersAreCountedOnceAndSaidSo() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0-die-0", energy: 123_456_789)
        tree.add("intel-rapl:1", name: "package-0-die-1", energy: 123_456_789)
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        var time = MeterFixture.start
        proc.setProcess(100, parent: 1, user: 0)
        meter.begin(jobID: "job", processID: 100, at: time)
        for _ in 0..<3 {
            tree.advance("intel-rapl:0", watts: 30, seconds: 1)
            tree.advance("intel-rapl:1", watts: 30, seconds: 1)
            proc.advanceHost(busy: 100, idle: 100)
            time += second
            meter.sample(now: time)
        }
        XCTAssertEqual(meter.totals["package"]?.measuredJoules ?? 0, 90, accuracy: 1e-9)
        let report = try XCTUnwrap(meter.end(jobID: "job", at: time))
        let package = try XCTUnwrap(report.components.first { $0.domain == "package" })
        XCTAssertEqual(package.zones, ["package-0-die-0"])
        XCTAssertTrue(package.attribution.contains("package-0-die-1 mirrors package-0-die-0"), package.attribution)
    }

    func testIndependentDiesAreBothCounted() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0-die-0", energy: 900_000_000)
        tree.add("intel-rapl:1", name: "package-0-die-1", energy: 100_000_000)
        let proc = FakeProc()
        let meter = try meter(tree, proc)
        var time = MeterFixture.start
        meter.sample(now: time)
        for _ in 0..<3 {
            tree.advance("intel-rapl:0", watts: 30, seconds: 1)
            tree.advance("intel-rapl:1", watts: 30, seconds: 1)
            proc.advanceHost(busy: 100, idle: 100)
            time += second
            meter.sample(now: time)
        }
        XCTAssertEqual(meter.totals["package"]?.measuredJoules ?? 0, 180, accuracy: 1e-9)
    }

    func testUnreadableCountersFallBackToALabelledEstimate() throws {
        let tree = FakePowercapTree.twoSockets()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        var configuration = MeterFixture.configuration(powercap: tree.root, proc: proc.root)
        configuration.files = DenyingFiles { $0.hasSuffix("/energy_uj") }
        let meter = try EnergyMeter(configuration: configuration)
        XCTAssertEqual(meter.availableSources, ["estimated"])
        guard case .permissionDenied = meter.cpuSensorStatus else {
            return XCTFail("expected permission denied, got \(meter.cpuSensorStatus)")
        }
    }
}
