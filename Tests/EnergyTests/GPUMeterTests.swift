import Energy
import Model
import XCTest

/// GPU energy through a fake nvidia-smi: trapezoid integration, the learned idle power, equal
/// and per-process splits, and a GPU that reports no power.
final class GPUMeterTests: XCTestCase {
    private let second = MeterFixture.second

    private func meter(_ fake: FakeNvidiaSMI, _ proc: FakeProc, processUtilization: Bool = false) throws
        -> EnergyMeter
    {
        let nvidia = NVIDIASampler.Configuration(
            nvidiaSMIPath: fake.path, nvmlLibraryPath: nil, processUtilization: processUtilization)
        return try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent", proc: proc.root, nvidia: nvidia))
    }

    private func gpu0(_ watts: Double, sessions: Int) -> FakeNvidiaSMI.Row {
        FakeNvidiaSMI.Row(index: 0, power: watts, instant: watts + 3, sessions: sessions)
    }

    func testTheLatestGPUReadingsCarryTemperatureMemoryAndCodecUseForTelemetry() throws {
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        var row = FakeNvidiaSMI.Row(index: 0, power: 30, encoder: 55, decoder: 7, temperature: 66, memoryUsed: 3210)
        fake.setRows([row])
        let meter = try meter(fake, proc)
        XCTAssertEqual(meter.latestGPUReadings, [], "nothing read yet")
        meter.sample(now: MeterFixture.start)
        var reading = try XCTUnwrap(meter.latestGPUReadings.first)
        XCTAssertEqual(reading.temperatureCelsius, 66)
        XCTAssertEqual(reading.memoryUsedMegabytes, 3210)
        XCTAssertEqual(reading.encoderUtilizationPercent, 55)
        XCTAssertEqual(reading.decoderUtilizationPercent, 7)
        (row.temperature, row.memoryUsed) = (70, nil)
        fake.setRows([row])
        meter.readGPUs()
        reading = try XCTUnwrap(meter.latestGPUReadings.first)
        XCTAssertEqual(reading.temperatureCelsius, 70, "the GPU thread's reading is the latest")
        XCTAssertNil(reading.memoryUsedMegabytes, "[N/A] is missing, not 0")
    }

    func testGPUEnergyIsTheTrapezoidOfScriptedPowerSplitAboveTheLearnedIdle() throws {
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        proc.setProcess(200, parent: 1, user: 0)
        let gpu1 = FakeNvidiaSMI.Row(index: 1, name: "Tesla T4", power: nil, instant: nil)
        fake.setRows([gpu0(30, sessions: 0), gpu1])
        let meter = try meter(fake, proc)
        XCTAssertEqual(meter.availableSources, ["estimated", "nvidia-smi"])
        let t0 = MeterFixture.start
        let steps: [(watts: Double, sessions: Int)] = [(30, 0), (130, 1), (130, 2), (30, 0)]
        meter.sample(now: t0)
        var truth = 0.0
        var previous = 30.0
        for (offset, step) in steps.enumerated() {
            fake.setRows([gpu0(step.watts, sessions: step.sessions), gpu1])
            proc.advanceHost(busy: 20, idle: 180)
            let time = t0 + UInt64(offset + 1) * second
            switch offset {
            case 0: meter.begin(jobID: "a", processID: 100, gpus: [0], at: time)
            case 1: meter.begin(jobID: "b", processID: 200, gpus: [0, 1], at: time)
            default: meter.sample(now: time)
            }
            truth += (previous + step.watts) / 2
            previous = step.watts
            MeterFixture.assertInvariant(meter)
            if offset == 2 { _ = meter.end(jobID: "a", at: time) }
        }
        XCTAssertEqual(meter.totals["gpu0"]?.measuredJoules ?? 0, truth, accuracy: truth * 0.01)
        XCTAssertEqual(meter.totals["gpu0"]?.measuredJoules ?? 0, 320, accuracy: 1e-9)
        // Interval 1 (quiet, nobody): 30 J unattributed, P_idle = 30 W. Interval 2 (a): 80 J = 30
        // idle + 50 active. Interval 3 (a, b): 130 J = 30 + 100, halves. Interval 4 (b): 80 J.
        XCTAssertEqual(meter.totals["gpu0"]?.unattributedJoules ?? 0, 30, accuracy: 1e-9)
        let report = try XCTUnwrap(meter.end(jobID: "b", at: t0 + 4 * second))
        let gpu = try XCTUnwrap(report.components.first { $0.domain == "gpu0" })
        XCTAssertEqual(gpu.source, .nvidiaSMI)
        XCTAssertEqual(gpu.totalJoules, 145, accuracy: 1e-9)
        XCTAssertEqual(gpu.dynamicJoules, 100, accuracy: 1e-9)
        XCTAssertEqual(gpu.idleJoules, 45, accuracy: 1e-9)
        XCTAssertEqual(gpu.device, "NVIDIA L4")
        XCTAssertEqual(gpu.driver, "550.54.15")
        XCTAssertTrue(gpu.attribution.contains("P_idle 30.0 W (lowest seen"), gpu.attribution)
        let unmeasured = try XCTUnwrap(report.components.first { $0.domain == "gpu1" })
        XCTAssertEqual(unmeasured.source, .notMeasured)
        XCTAssertEqual(unmeasured.totalJoules, 0)
        XCTAssertEqual(report.source, .estimated, "the weakest counted source")
        let cpu = try XCTUnwrap(report.components.first { $0.domain == "cpu" })
        XCTAssertEqual(report.totalJoules, cpu.totalJoules + 145, accuracy: 1e-9, "not-measured counts for nothing")
    }

    func testPerProcessSamplesSplitTheActivePartByEncoderDecoderAndSM() throws {
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        proc.setProcess(101, parent: 100, user: 0)
        proc.setProcess(200, parent: 1, user: 0)
        fake.setRows([gpu0(50, sessions: 2)])
        var configuration = MeterFixture.configuration(
            powercap: "/nonexistent", proc: proc.root,
            nvidia: .init(nvidiaSMIPath: fake.path, nvmlLibraryPath: nil, processUtilization: true))
        configuration.gpuIdleWatts = 20
        let meter = try EnergyMeter(configuration: configuration)
        meter.begin(jobID: "a", processID: 100, gpus: [0], at: MeterFixture.start)
        meter.begin(jobID: "b", processID: 200, gpus: [0], at: MeterFixture.start)
        fake.setProcessMonitor(
            "# gpu pid type sm mem enc dec jpg ofa command\n# Idx # C/G % % % % % % name\n"
                + "0 101 C 0 1 30 10 - - ffmpeg\n0 200 C 0 1 20 - - - ffmpeg\n0 300 C 20 9 - - - - python3\n")
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + second)
        MeterFixture.assertInvariant(meter)
        // 50 J: idle 20 J (10 each), active 30 J by weights a 40, b 20, other 20 of 80.
        let interval = try XCTUnwrap(meter.lastIntervals.first { $0.domain == "gpu0" })
        XCTAssertEqual(interval.jobs["a"]?.dynamic ?? 0, 15, accuracy: 1e-9)
        XCTAssertEqual(interval.jobs["b"]?.dynamic ?? 0, 7.5, accuracy: 1e-9)
        XCTAssertEqual(interval.jobs["a"]?.idle ?? 0, 10, accuracy: 1e-9)
        XCTAssertEqual(interval.unattributed, 7.5, accuracy: 1e-9)
        let report = try XCTUnwrap(meter.end(jobID: "a", at: MeterFixture.start + second))
        let gpu = try XCTUnwrap(report.components.first { $0.domain == "gpu0" })
        XCTAssertTrue(gpu.attribution.contains("P_idle 20.0 W (configured)"), gpu.attribution)
        XCTAssertTrue(gpu.attribution.contains("split: enc+dec+sm share per process"), gpu.attribution)
    }

    func testEachJobIsChargedTheEnergyOfTheGPUItRunsOnAndNoneOfAnothers() throws {
        // Per-GPU slots (issue 12 item 13): two jobs, one per GPU, each pays for its own GPU.
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        proc.setProcess(200, parent: 1, user: 0)
        fake.setRows([gpu0(40, sessions: 1), FakeNvidiaSMI.Row(index: 1, power: 100, instant: 103, sessions: 1)])
        let meter = try meter(fake, proc)
        meter.begin(jobID: "on0", processID: 100, gpus: [0], at: MeterFixture.start)
        meter.begin(jobID: "on1", processID: 200, gpus: [1], at: MeterFixture.start)
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + second)
        proc.advanceHost(busy: 20, idle: 180)
        let first = try XCTUnwrap(meter.end(jobID: "on0", at: MeterFixture.start + 2 * second))
        let other = try XCTUnwrap(meter.end(jobID: "on1", at: MeterFixture.start + 2 * second))
        XCTAssertEqual(first.components.first { $0.domain == "gpu0" }?.totalJoules ?? 0, 80, accuracy: 1e-9)
        XCTAssertEqual(first.components.first { $0.domain == "gpu1" }?.totalJoules ?? 0, 0)
        XCTAssertEqual(other.components.first { $0.domain == "gpu1" }?.totalJoules ?? 0, 200, accuracy: 1e-9)
        XCTAssertEqual(other.components.first { $0.domain == "gpu0" }?.totalJoules ?? 0, 0)
    }

    func testAnIntervalWithAMissingPowerReadingIsAGapForTheJobsOnThatGPU() throws {
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        fake.setRows([gpu0(40, sessions: 1)])
        let meter = try meter(fake, proc)
        meter.begin(jobID: "a", processID: 100, gpus: [0], at: MeterFixture.start)
        fake.setRows([FakeNvidiaSMI.Row(index: 0, power: nil, instant: nil)])
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + second)
        fake.setRows([gpu0(40, sessions: 1)])
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + 2 * second)
        proc.advanceHost(busy: 20, idle: 180)
        let report = try XCTUnwrap(meter.end(jobID: "a", at: MeterFixture.start + 3 * second))
        let gpu = try XCTUnwrap(report.components.first { $0.domain == "gpu0" })
        XCTAssertEqual(gpu.gaps, 2, "both intervals touching the missing reading")
        XCTAssertEqual(gpu.totalJoules, 40, accuracy: 1e-9)
        XCTAssertEqual(gpu.coverage, 1.0 / 3, accuracy: 1e-9)
    }

    func testAGPUWithoutNVENCDoesNotTakeABusyIntervalForIdle() throws {
        // An H100 reports 0 encoder sessions even under load; the H200 check showed a loaded
        // interval would otherwise be learned as P_idle and the job's energy booked as idle.
        let fake = FakeNvidiaSMI()
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        fake.setRows([gpu0(300, sessions: 0)])
        let meter = try meter(fake, proc)
        meter.begin(jobID: "cuda", processID: 100, gpus: [0], at: MeterFixture.start)
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + second)
        fake.setRows([gpu0(60, sessions: 0)])
        proc.advanceHost(busy: 20, idle: 180)
        let report = try XCTUnwrap(meter.end(jobID: "cuda", at: MeterFixture.start + 2 * second))
        let gpu = try XCTUnwrap(report.components.first { $0.domain == "gpu0" })
        XCTAssertEqual(gpu.totalJoules, 300 + 180, accuracy: 1e-9)
        XCTAssertEqual(gpu.idleJoules, 0, "no idle power known yet: all of it is the job's activity")
        XCTAssertTrue(gpu.attribution.contains("P_idle not known yet"), gpu.attribution)
        proc.advanceHost(busy: 20, idle: 180)
        meter.sample(now: MeterFixture.start + 3 * second)
        XCTAssertEqual(meter.lastPowerWatts["gpu0"] ?? 0, 60, accuracy: 1e-9)
        proc.setProcess(200, parent: 1, user: 0)
        meter.begin(jobID: "next", processID: 200, gpus: [0], at: MeterFixture.start + 4 * second)
        fake.setRows([gpu0(100, sessions: 0)])
        proc.advanceHost(busy: 20, idle: 180)
        let next = try XCTUnwrap(meter.end(jobID: "next", at: MeterFixture.start + 5 * second))
        let nextGPU = try XCTUnwrap(next.components.first { $0.domain == "gpu0" })
        XCTAssertEqual(nextGPU.idleJoules, 60, accuracy: 1e-9, "P_idle learned while no job ran")
        XCTAssertEqual(nextGPU.dynamicJoules, 20, accuracy: 1e-9)
    }
}
