import Energy
import Model
import XCTest

/// Two jobs that overlap, with scripted package power, host ticks and per-process ticks: each
/// job's energy is the hand-computed split of docs/energy.md, and nothing is lost or made up.
final class OverlappingJobsTests: XCTestCase {
    private let second = MeterFixture.second

    func testTwoOverlappingJobsSplitTheEnergyByCPUShareAndIdleByAliveShare() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0", energy: 7_000_000)
        let proc = FakeProc()
        proc.advanceHost(busy: 1000, idle: 1000)
        proc.setProcess(100, parent: 1, user: 0)
        proc.setProcess(101, parent: 100, user: 0)
        let meter = try EnergyMeter(configuration: MeterFixture.configuration(powercap: tree.root, proc: proc.root))
        let t0 = MeterFixture.start
        meter.begin(jobID: "a", processID: 100, at: t0)

        // [t0, t1] 1 s, 50 W, u = 0.5 (1 busy s of 2), a: 0.6 s → a: dyn 15, idle 25; other 10.
        tree.advance("intel-rapl:0", watts: 50, seconds: 1)
        proc.advanceHost(busy: 100, idle: 100)
        proc.setProcess(100, parent: 1, user: 40)
        proc.setProcess(101, parent: 100, user: 20)
        proc.setProcess(200, parent: 1, user: 0)
        meter.begin(jobID: "b", processID: 200, at: t0 + second)
        MeterFixture.assertInvariant(meter)
        try assertSplit(meter, "a", dynamic: 15, idle: 25)
        XCTAssertNil(meter.lastIntervals.first?.jobs["b"], "b began at the end of this interval")

        // [t1, t2] 1 s, 80 W, u = 0.8 (1.6 busy s), a 0.5 s, b 0.9 s → A = 64, I = 16.
        tree.advance("intel-rapl:0", watts: 80, seconds: 1)
        proc.advanceHost(busy: 160, idle: 40)
        proc.setProcess(100, parent: 1, user: 70)
        proc.setProcess(101, parent: 100, user: 40)
        proc.setProcess(200, parent: 1, user: 90)
        meter.sample(now: t0 + 2 * second)
        MeterFixture.assertInvariant(meter)
        try assertSplit(meter, "a", dynamic: 20, idle: 8)
        try assertSplit(meter, "b", dynamic: 36, idle: 8)

        // [t2, t3] 2 s, 30 W, u = 0.5; 101 exits and is reaped into 100's cutime; a 1.0 s, b 0.4 s.
        tree.advance("intel-rapl:0", watts: 30, seconds: 2)
        proc.advanceHost(busy: 200, idle: 200)
        proc.removeProcess(101)
        proc.setProcess(100, parent: 1, user: 170, childrenUser: 40)
        proc.setProcess(200, parent: 1, user: 130)
        let reportA = try XCTUnwrap(meter.end(jobID: "a", at: t0 + 4 * second))
        MeterFixture.assertInvariant(meter)
        try assertSplit(meter, "a", dynamic: 15, idle: 15)
        try assertSplit(meter, "b", dynamic: 6, idle: 15)

        // [t3, t4] 1 s, 40 W, u = 0.25, b alone: 0.5 s of 0.5 → dyn 10, idle 30.
        tree.advance("intel-rapl:0", watts: 40, seconds: 1)
        proc.advanceHost(busy: 50, idle: 150)
        proc.setProcess(200, parent: 1, user: 180)
        let reportB = try XCTUnwrap(meter.end(jobID: "b", at: t0 + 5 * second))
        MeterFixture.assertInvariant(meter)
        try assertSplit(meter, "b", dynamic: 10, idle: 30)

        XCTAssertEqual(reportA.totalJoules, 98, accuracy: 1e-6)
        XCTAssertEqual(reportA.dynamicJoules, 50, accuracy: 1e-6)
        XCTAssertEqual(reportB.totalJoules, 105, accuracy: 1e-6)
        XCTAssertEqual(reportB.dynamicJoules, 52, accuracy: 1e-6)
        let unattributed = try XCTUnwrap(meter.totals["package"]).unattributedJoules
        XCTAssertEqual(unattributed, 27, accuracy: 1e-6)
        XCTAssertEqual(
            reportA.totalJoules + reportB.totalJoules + unattributed, meter.totals["package"]?.measuredJoules ?? 0,
            accuracy: 4e-6)
        XCTAssertEqual(meter.totals["package"]?.measuredJoules ?? 0, 230, accuracy: 1e-6)

        let package = try XCTUnwrap(reportA.components.first)
        XCTAssertEqual(reportA.source, .rapl)
        XCTAssertEqual(package.domain, "package")
        XCTAssertEqual(package.zones, ["package-0"])
        XCTAssertEqual(package.rangesMicrojoules, [262_143_328_850])
        XCTAssertEqual(package.samples, 4)
        XCTAssertEqual(package.meanIntervalSeconds, 4.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(package.maxIntervalSeconds, 2)
        XCTAssertEqual(package.coverage, 1, accuracy: 1e-9)
        XCTAssertEqual(package.idleJoules, 48, accuracy: 1e-6)
        XCTAssertEqual(package.averageWatts, 24.5, accuracy: 1e-6)
        XCTAssertEqual(package.peakWatts, 40, accuracy: 1e-6)
        XCTAssertEqual(reportA.peakWatts, 40, accuracy: 1e-6)
        XCTAssertEqual(reportA.averageWatts, 24.5, accuracy: 1e-6)
        XCTAssertTrue(package.attribution.contains("process tree"), package.attribution)
        XCTAssertEqual(reportB.peakWatts, 44, accuracy: 1e-6)
        XCTAssertTrue(meter.runningJobs.isEmpty)
    }

    func testACgroupJobIsChargedByItsUsage() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0")
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.directory.write("cgroup/jobs/c/cpu.stat", "usage_usec 1000000\n")
        let meter = try EnergyMeter(configuration: MeterFixture.configuration(powercap: tree.root, proc: proc.root))
        meter.begin(jobID: "c", processID: 999, cgroupPath: "jobs/c", at: MeterFixture.start)
        tree.advance("intel-rapl:0", watts: 100, seconds: 1)
        proc.advanceHost(busy: 200, idle: 0)  // u = 1, 2 busy seconds
        proc.directory.write("cgroup/jobs/c/cpu.stat", "usage_usec 1500000\n")  // 0.5 s → a quarter
        let report = try XCTUnwrap(meter.end(jobID: "c", at: MeterFixture.start + second))
        XCTAssertEqual(report.totalJoules, 25, accuracy: 1e-9)
        XCTAssertTrue(report.components[0].attribution.contains("cgroup cpu.stat"), report.components[0].attribution)
    }

    func testTheCallersRusageCoversTheTimeAfterTheProcessWasReaped() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0")
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(300, parent: 1, user: 10)
        let meter = try EnergyMeter(configuration: MeterFixture.configuration(powercap: tree.root, proc: proc.root))
        meter.begin(jobID: "r", processID: 300, at: MeterFixture.start)
        tree.advance("intel-rapl:0", watts: 10, seconds: 1)
        proc.advanceHost(busy: 200, idle: 0)
        proc.removeProcess(300)  // reaped before `end`: /proc no longer shows its 1.9 s
        let report = try XCTUnwrap(meter.end(jobID: "r", at: MeterFixture.start + second, cpuSeconds: 2.0))
        XCTAssertEqual(report.dynamicJoules, 10 * 1.9 / 2, accuracy: 1e-9)
    }

    func testEndingAnUnknownJobGivesNothing() throws {
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent", proc: proc.root))
        XCTAssertNil(meter.end(jobID: "nobody", at: MeterFixture.start))
    }

    func testFrameFiguresComeFromTotalAndDynamicEnergy() {
        var report = EnergyReport(components: [], totalJoules: 98, dynamicJoules: 49, source: .rapl)
        report.fillFrameFigures(frames: 245)
        XCTAssertEqual(report.joulesPerFrame ?? 0, 0.4, accuracy: 1e-12)
        XCTAssertEqual(report.dynamicJoulesPerFrame ?? 0, 0.2, accuracy: 1e-12)
        XCTAssertEqual(report.framesPerJoule ?? 0, 2.5, accuracy: 1e-12)
        XCTAssertNil(report.withFrameFigures(frames: 0).joulesPerFrame)
    }

    private func assertSplit(
        _ meter: EnergyMeter, _ job: String, dynamic: Double, idle: Double, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let interval = try XCTUnwrap(meter.lastIntervals.first { $0.domain == "package" }, file: file, line: line)
        let split = try XCTUnwrap(interval.jobs[job], "no split for \(job)", file: file, line: line)
        XCTAssertEqual(split.dynamic, dynamic, accuracy: 1e-6, "dynamic of \(job)", file: file, line: line)
        XCTAssertEqual(split.idle, idle, accuracy: 1e-6, "idle of \(job)", file: file, line: line)
    }
}
