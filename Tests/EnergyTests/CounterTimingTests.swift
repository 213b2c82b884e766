import Energy
import Model
import Support
import Synchronization
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The meter keeps its own time: RAPL counters are read on their own thread, however slow a GPU
/// query is, and reads that come too far apart are a gap the report names, never a silent figure.
final class CounterTimingTests: XCTestCase {
    /// 70 W on a 100 J counter: it wraps every 1.43 s.
    static let watts = 70.0
    static let range: UInt64 = 100_000_000

    func testReadsFurtherApartThanTheSafeIntervalAreAGapThatNamesTheZone() throws {
        let tree = FakePowercapTree()
        // Limit 100 W: plausibly up to 150 W, so reads of a 100 J counter may be 0.67 s apart.
        tree.add("intel-rapl:0", name: "package-0", range: Self.range, energy: 0, powerLimitWatts: 100)
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        let meter = try EnergyMeter(configuration: MeterFixture.configuration(powercap: tree.root, proc: proc.root))
        XCTAssertEqual(meter.counterReadIntervalSeconds, 100.0 / 150 / 4, accuracy: 1e-9)
        var time = MeterFixture.start
        meter.begin(jobID: "job", processID: 4242, at: time)
        // Samples 2 s apart with nothing reading the counters in between (the old meter with a
        // slow GPU query): 140 J pass but the counter shows 40 J and one wrap.
        for _ in 0..<3 {
            tree.advance("intel-rapl:0", watts: Self.watts, seconds: 2)
            proc.advanceHost(busy: 0, idle: 200)
            time += 2 * MeterFixture.second
            meter.sample(now: time)
        }
        let report = try XCTUnwrap(meter.end(jobID: "job", at: time))
        let package = try XCTUnwrap(report.components.first { $0.domain == "package" })
        XCTAssertEqual(package.coverage, 0, "no part of the job was read often enough")
        XCTAssertEqual(package.totalJoules, 0, "no under-count passed off as a measurement")
        XCTAssertEqual(package.gaps, 3)
        XCTAssertEqual(package.gapSeconds ?? 0, 6, accuracy: 1e-9)
        XCTAssertEqual(package.lateZoneSeconds?["package-0"] ?? 0, 6, accuracy: 1e-9)
        XCTAssertTrue(package.attribution.contains("package-0 6.0 s"), package.attribution)
        XCTAssertEqual(meter.totals["package"]?.gaps, 3)
    }

    func testWithASlowGPUQueryOnALoadedMachinePackagePowerIsWithinOnePercentOrCoverageSaysSo() throws {
        let tree = FakePowercapTree()
        tree.add("intel-rapl:0", name: "package-0", range: Self.range, energy: 0, powerLimitWatts: 100)
        let counter = ClockedCounterFiles(
            counterPath: tree.path("intel-rapl:0", "energy_uj"), watts: Self.watts, range: Self.range)
        let smi = FakeNvidiaSMI(sleepSeconds: 1.5)
        smi.setRows([FakeNvidiaSMI.Row(index: 0, power: 30, instant: 30)])
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        var configuration = MeterFixture.configuration(
            powercap: tree.root, proc: proc.root,
            nvidia: NVIDIASampler.Configuration(
                nvidiaSMIPath: smi.path, nvmlLibraryPath: "/nonexistent/libnvidia-ml.so.1", commandTimeoutSeconds: 5))
        configuration.files = counter
        let meter = try EnergyMeter(configuration: configuration)
        XCTAssertEqual(meter.availableSources, ["rapl", "nvidia-smi"])

        let load = CPULoad(threads: 4)
        defer { load.stop() }
        let sampler = try EnergySamplingThread(meter: meter)
        defer { sampler.stop() }
        Clock.sleep(seconds: 0.5)
        let began = Clock.monotonicNanoseconds()
        meter.begin(jobID: "job", processID: 4242, gpus: [0], at: began)
        Clock.sleep(seconds: 6)
        let ended = Clock.monotonicNanoseconds()
        let report = try XCTUnwrap(meter.end(jobID: "job", at: ended))
        sampler.stop()
        load.stop()

        XCTAssertGreaterThanOrEqual(smi.calls.count, 4, "the slow GPU query ran all along")
        let package = try XCTUnwrap(report.components.first { $0.domain == "package" })
        let wall = Double(ended - began) / 1e9
        let measuredSeconds = package.coverage * wall
        print(
            "package over \(wall) s: \(package.totalJoules) J, coverage \(package.coverage), avg \(package.averageWatts)"
                + " W, gaps \(package.gaps), late zones \(package.lateZoneSeconds ?? [:])")
        XCTAssertGreaterThan(package.coverage, 0.5, "the counter thread kept up for most of the job")
        // Over the time it measured, the figure is the fake's truth within 1 %.
        XCTAssertEqual(package.totalJoules, Self.watts * measuredSeconds, accuracy: 0.01 * Self.watts * measuredSeconds)
        XCTAssertEqual(package.averageWatts, Self.watts, accuracy: 0.01 * Self.watts)
        if package.coverage < 0.99 {
            // Whatever was not measured is said, with the zone and how long.
            let late = package.lateZoneSeconds?["package-0"] ?? 0
            XCTAssertEqual(late, wall - measuredSeconds, accuracy: 0.05 * wall, "\(package)")
            XCTAssertGreaterThan(package.gaps, 0)
        } else {
            XCTAssertEqual(package.totalJoules / wall, Self.watts, accuracy: 0.01 * Self.watts)
        }
    }

    func testAJobsStartAndEndNeverWaitForASlowGPUQuery() throws {
        let smi = FakeNvidiaSMI(sleepSeconds: 3)
        smi.setRows([FakeNvidiaSMI.Row(index: 0, power: 30, instant: 30)])
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(
                powercap: "/nonexistent", proc: proc.root,
                nvidia: NVIDIASampler.Configuration(
                    nvidiaSMIPath: smi.path, nvmlLibraryPath: "/nonexistent/libnvidia-ml.so.1",
                    commandTimeoutSeconds: 10)))
        XCTAssertTrue(meter.hasGPUs)
        let sampler = try EnergySamplingThread(meter: meter)
        defer { sampler.stop() }
        Clock.sleep(seconds: 0.5)  // a GPU query is under way from here on
        var slowest = 0.0
        for job in 0..<3 {
            let began = Clock.monotonicNanoseconds()
            meter.begin(jobID: "job\(job)", processID: 4242, gpus: [0], at: began)
            slowest = max(slowest, Double(Clock.monotonicNanoseconds() - began) / 1e9)
            Clock.sleep(seconds: 2.5)
            let ending = Clock.monotonicNanoseconds()
            XCTAssertNotNil(meter.end(jobID: "job\(job)", at: ending))
            slowest = max(slowest, Double(Clock.monotonicNanoseconds() - ending) / 1e9)
        }
        sampler.stop()
        XCTAssertLessThan(slowest, 1, "begin and end waited \(slowest) s for nvidia-smi (3 s per query)")
        XCTAssertGreaterThan(meter.totals["gpu0"]?.measuredJoules ?? 0, 0, "the GPU thread's readings were used")
    }
}

/// The fake powercap tree's files, except one `energy_uj` that advances at `watts` by the
/// monotonic clock and wraps at `range`, as a real counter does between reads.
final class ClockedCounterFiles: SystemFileReading {
    let counterPath: String
    let watts: Double
    let range: UInt64
    let start = Clock.monotonicNanoseconds()

    init(counterPath: String, watts: Double, range: UInt64) {
        self.counterPath = counterPath
        self.watts = watts
        self.range = range
    }

    func read(_ path: String) -> FileReadResult {
        guard path == counterPath else { return LiveSystemFiles().read(path) }
        let seconds = Double(Clock.monotonicNanoseconds() - start) / 1e9
        return .contents("\(UInt64(seconds * watts * 1e6) % range)\n")
    }

    func list(_ path: String) -> [String]? { LiveSystemFiles().list(path) }
}

/// Threads that keep the CPUs busy until stopped.
final class CPULoad: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Int>(0)
    private let count: Int

    init(threads: Int) {
        count = threads
        for _ in 0..<threads {
            Thread.detachNewThread { [self] in
                var value = 0.0
                while !stopping.load(ordering: .relaxed) { value += sin(value) + 1 }
                if value < 0 { print(value) }  // keeps the loop from being optimised away
                finished.add(1, ordering: .relaxed)
            }
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        while finished.load(ordering: .relaxed) < count { Clock.sleep(seconds: 0.01) }
    }
}
