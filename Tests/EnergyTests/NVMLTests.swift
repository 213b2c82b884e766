import Energy
import XCTest

/// NVML through `dlopen`: absent is no error; a fake libnvidia-ml built by the test (with the
/// system C compiler) proves the symbol lookups, the energy counter and the reload gap.
final class NVMLTests: XCTestCase {
    func testAMissingLibraryIsUnavailableNotAFailure() {
        XCTAssertThrowsError(try NVMLLibrary(path: "/nonexistent/libnvidia-ml.so.1")) { error in
            guard case .libraryMissing = error as? NVMLLibrary.OpenError else { return XCTFail("\(error)") }
        }
        let sampler = NVIDIASampler(configuration: MeterFixture.noNvidia)
        XCTAssertEqual(sampler.status, .absent)
    }

    /// A fake NVML whose two GPUs read energy (mJ) and power (mW) from a state file; a negative
    /// energy means "not supported" for that GPU.
    private static let fakeSource = #"""
        #include <stdio.h>
        #include <string.h>
        static int devices[8];
        static int line(unsigned index, long long *energy, unsigned *power) {
            FILE *f = fopen(STATE, "r");
            if (!f) return -1;
            unsigned count = 0;
            int found = -1;
            if (fscanf(f, "%u", &count) == 1)
                for (unsigned i = 0; i < count; i++) {
                    long long e; unsigned p;
                    if (fscanf(f, "%lld %u", &e, &p) != 2) break;
                    if (i == index) { *energy = e; *power = p; found = 0; break; }
                }
            fclose(f);
            return found;
        }
        int nvmlInit_v2(void) { return 0; }
        int nvmlShutdown(void) { return 0; }
        int nvmlDeviceGetCount_v2(unsigned *count) {
            FILE *f = fopen(STATE, "r"); if (!f) return 999;
            int ok = fscanf(f, "%u", count); fclose(f); return ok == 1 ? 0 : 999;
        }
        int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device) {
            if (index >= 8) return 2; *device = &devices[index]; return 0;
        }
        int nvmlDeviceGetTotalEnergyConsumption(void *device, unsigned long long *energy) {
            long long e; unsigned p;
            if (line((unsigned)((int *)device - devices), &e, &p) != 0 || e < 0) return 3;
            *energy = (unsigned long long)e; return 0;
        }
        int nvmlDeviceGetPowerUsage(void *device, unsigned *power) {
            long long e; unsigned p;
            if (line((unsigned)((int *)device - devices), &e, &p) != 0) return 3;
            *power = p; return 0;
        }
        int nvmlDeviceGetName(void *device, char *name, unsigned length) {
            snprintf(name, length, "Fake H100 %d", (int)((int *)device - devices)); return 0;
        }
        int nvmlSystemGetDriverVersion(char *version, unsigned length) {
            snprintf(version, length, "580.1"); return 0;
        }
        """#

    private func buildFake(_ directory: TestDirectory) throws -> String {
        directory.write("fake-nvml.c", Self.fakeSource)
        let library = directory.path + "/libfake-nvml.so"
        let outcome: CommandRunner.Outcome
        do {
            outcome = try CommandRunner.run(
                "cc",
                [
                    "-shared", "-fPIC", "-O0", "-DSTATE=\"\(directory.path)/state\"", "-o", library,
                    directory.path + "/fake-nvml.c",
                ], timeoutSeconds: 60)
        } catch {
            throw XCTSkip("no C compiler to build the fake NVML: \(error)")
        }
        guard outcome.succeeded else { throw XCTSkip("cc failed: \(outcome.standardError)") }
        return library
    }

    func testTheEnergyCounterIsPreferredAndADropIsADriverReloadGap() throws {
        let directory = TestDirectory()
        let library = try buildFake(directory)
        // GPU 0 has an energy counter; GPU 1 only power (pre-Volta).
        directory.write("state", "2\n1000000 70000\n-1 50000\n")
        let proc = FakeProc()
        proc.advanceHost(busy: 0, idle: 0)
        proc.setProcess(100, parent: 1, user: 0)
        let nvidia = NVIDIASampler.Configuration(nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: library)
        let meter = try EnergyMeter(
            configuration: MeterFixture.configuration(powercap: "/nonexistent", proc: proc.root, nvidia: nvidia))
        XCTAssertEqual(meter.availableSources, ["estimated", "nvml"])
        let t0 = MeterFixture.start
        meter.begin(jobID: "n", processID: 100, gpus: [0, 1], at: t0)
        let steps = ["2\n1075500 80000\n-1 50000\n", "2\n1000 80000\n-1 70000\n", "2\n81000 80000\n-1 70000\n"]
        for (offset, state) in steps.enumerated() {
            directory.write("state", state)
            proc.advanceHost(busy: 20, idle: 180)
            meter.sample(now: t0 + UInt64(offset + 1) * MeterFixture.second)
            MeterFixture.assertInvariant(meter)
        }
        XCTAssertEqual(meter.totals["gpu0"]?.measuredJoules ?? 0, 75.5 + 80, accuracy: 1e-9)
        XCTAssertEqual(meter.totals["gpu0"]?.gaps, 1, "the counter fell: driver reloaded")
        XCTAssertEqual(meter.totals["gpu1"]?.measuredJoules ?? 0, 50 + 60 + 70, accuracy: 1e-9)
        let report = try XCTUnwrap(meter.end(jobID: "n", at: t0 + 3 * MeterFixture.second))
        let gpu0 = try XCTUnwrap(report.components.first { $0.domain == "gpu0" })
        XCTAssertEqual(gpu0.source, .nvmlEnergy)
        XCTAssertEqual(gpu0.device, "Fake H100 0")
        XCTAssertEqual(gpu0.driver, "580.1")
        XCTAssertEqual(report.components.first { $0.domain == "gpu1" }?.source, .nvmlPower)
    }

    func testProbeAndMeasureWorkThroughNVMLAlone() throws {
        let directory = TestDirectory()
        let library = try buildFake(directory)
        directory.write("state", "1\n5000 61000\n")
        let configuration = NVIDIASampler.Configuration(
            nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: library)
        let readings = NVIDIASampler.probe(configuration: configuration)
        XCTAssertEqual(readings.first?.energyMillijoules, 5000)
        XCTAssertEqual(readings.first?.powerWatts, 61)
        XCTAssertEqual(readings.first?.name, "Fake H100 0")
        let measured = NVIDIASampler.measure(samples: 3, intervalSeconds: 0.02, configuration: configuration)
        XCTAssertEqual(measured.first?.source, .nvmlEnergy)
        XCTAssertEqual(measured.first?.joules, 0, "the counter did not move")
        XCTAssertEqual(measured.first?.samples, 3)
    }
}
