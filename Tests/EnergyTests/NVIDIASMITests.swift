import Energy
import Support
import XCTest

/// `nvidia-smi --query-gpu` parsing and the sampler over a fake nvidia-smi script.
final class NVIDIASMITests: XCTestCase {
    private func configuration(_ fake: FakeNvidiaSMI, timeout: Double = 5) -> NVIDIASampler.Configuration {
        NVIDIASampler.Configuration(
            nvidiaSMIPath: fake.path, nvmlLibraryPath: "/nonexistent/libnvidia-ml.so.1",
            commandTimeoutSeconds: timeout)
    }

    func testRowsParseByFieldAndUnsupportedValuesAreMissingNotZero() {
        let output = """
            0, NVIDIA L4, 550.54.15, 27.45, 26.10, 72.00, 3, 45, 12, 2, 41, 2048
            1, Tesla T4, 550.54.15, [N/A], [Not Supported], [N/A], 0, [N/A], [N/A], [Not Supported], 35, [N/A]

            """
        let readings = NVIDIASMIQuery.full.parse(output)
        XCTAssertEqual(readings.count, 2)
        XCTAssertEqual(readings[0].name, "NVIDIA L4")
        XCTAssertEqual(readings[0].powerWatts, 27.45)
        XCTAssertEqual(readings[0].instantPowerWatts, 26.10)
        XCTAssertEqual(readings[0].powerLimitWatts, 72)
        XCTAssertEqual(readings[0].encoderUtilizationPercent, 45)
        XCTAssertEqual(readings[0].decoderUtilizationPercent, 12)
        XCTAssertEqual(readings[0].encoderSessions, 2)
        XCTAssertEqual(readings[0].temperatureCelsius, 41)
        XCTAssertEqual(readings[0].memoryUsedMegabytes, 2048)
        XCTAssertNil(readings[1].memoryUsedMegabytes)
        XCTAssertEqual(readings[1].index, 1)
        XCTAssertNil(readings[1].powerWatts)
        XCTAssertNil(readings[1].instantPowerWatts)
        XCTAssertNil(readings[1].integrablePowerWatts)
        XCTAssertNil(readings[1].encoderSessions)
        XCTAssertEqual(readings[1].utilizationPercent, 0)
    }

    func testAMalformedRowIsSkipped() {
        XCTAssertTrue(NVIDIASMIQuery.full.parse("0, NVIDIA L4, 27.45\nNo devices were found\n").isEmpty)
    }

    func testTheQueryAsksForEveryFieldWithoutHeaderOrUnits() {
        XCTAssertEqual(
            NVIDIASMIQuery.full.arguments,
            [
                "--query-gpu=index,name,driver_version,power.draw,power.draw.instant,power.limit,utilization.gpu,"
                    + "utilization.encoder,utilization.decoder,encoder.stats.sessionCount,temperature.gpu,memory.used",
                "--format=csv,noheader,nounits",
            ])
    }

    func testTwoGPUsAreFoundAndMeasuredThroughTheScript() {
        let fake = FakeNvidiaSMI()
        fake.setRows([.init(index: 0, power: 55.5, instant: 60), .init(index: 1, name: "Tesla T4", power: 20)])
        let sampler = NVIDIASampler(configuration: configuration(fake))
        XCTAssertEqual(sampler.status, .available)
        XCTAssertEqual(sampler.gpus.map(\.source), [.nvidiaSMI, .nvidiaSMI])
        XCTAssertEqual(sampler.gpus.map(\.name), ["NVIDIA L4", "Tesla T4"])
        XCTAssertEqual(sampler.sourceNames, ["nvidia-smi"])
        XCTAssertEqual(sampler.read().map(\.powerWatts), [55.5, 20])
    }

    func testAGPUWithoutPowerIsNotMeasured() {
        let fake = FakeNvidiaSMI()
        fake.setRows([.init(index: 0, power: nil, instant: nil)])
        let sampler = NVIDIASampler(configuration: configuration(fake))
        XCTAssertEqual(sampler.gpus.map(\.source), [.notMeasured])
        XCTAssertNotEqual(sampler.status, .available)
        XCTAssertTrue(sampler.sourceNames.isEmpty)
    }

    func testAnOldDriverThatRefusesTheInstantFieldGetsTheCompatibleQuery() {
        let fake = FakeNvidiaSMI(refusesInstantField: true)
        fake.setRows([.init(index: 0, power: 31, instant: 99)])
        let sampler = NVIDIASampler(configuration: configuration(fake))
        XCTAssertEqual(sampler.read().first?.powerWatts, 31)
        XCTAssertNil(sampler.read().first?.instantPowerWatts)
        XCTAssertTrue(fake.calls.last?.contains("power.draw.instant") == false, "\(fake.calls)")
        XCTAssertTrue(sampler.notes.contains { $0.contains("power.draw.instant not supported") }, "\(sampler.notes)")
    }

    func testAMissingNvidiaSMIMeansNoGPUsAndNoError() {
        let sampler = NVIDIASampler(configuration: MeterFixture.noNvidia)
        XCTAssertEqual(sampler.status, .absent)
        XCTAssertTrue(sampler.gpus.isEmpty)
        XCTAssertTrue(sampler.read().isEmpty)
    }

    func testAHangingNvidiaSMIIsKilledAtTheTimeout() {
        let fake = FakeNvidiaSMI(sleepSeconds: 5)
        fake.setRows([.init(index: 0, power: 10)])
        let began = Clock.monotonicNanoseconds()
        let sampler = NVIDIASampler(configuration: configuration(fake, timeout: 0.3))
        XCTAssertLessThan(Double(Clock.monotonicNanoseconds() - began) / 1e9, 3)
        XCTAssertTrue(sampler.gpus.isEmpty)
        XCTAssertTrue(sampler.notes.contains { $0.contains("timed out") }, "\(sampler.notes)")
    }

    func testMeasuringAConstantDrawGivesWattsTimesTheMeasuredSeconds() {
        let fake = FakeNvidiaSMI()
        fake.setRows([.init(index: 0, power: 70), .init(index: 1, power: 25)])
        let results = NVIDIASampler.measure(samples: 4, intervalSeconds: 0.05, configuration: configuration(fake))
        XCTAssertEqual(results.count, 2)
        for (result, watts) in zip(results, [70.0, 25.0]) {
            XCTAssertEqual(result.samples, 4)
            XCTAssertEqual(result.gaps, 0)
            XCTAssertGreaterThan(result.measuredSeconds, 0.14)
            XCTAssertEqual(result.joules, watts * result.measuredSeconds, accuracy: 1e-9)
            XCTAssertEqual(result.averageWatts, watts, accuracy: 1e-9)
            XCTAssertEqual(result.source, .nvidiaSMI)
        }
    }

    func testProbeReturnsEveryFieldOfEveryGPU() {
        let fake = FakeNvidiaSMI()
        fake.setRows([.init(index: 0, power: 41, instant: 43, sessions: 3)])
        let readings = NVIDIASampler.probe(configuration: configuration(fake))
        XCTAssertEqual(readings.first?.powerWatts, 41)
        XCTAssertEqual(readings.first?.instantPowerWatts, 43)
        XCTAssertEqual(readings.first?.encoderSessions, 3)
        XCTAssertEqual(readings.first?.driverVersion, "550.54.15")
    }
}
