import Energy
import XCTest

/// Thermal throttling read for results: the CPUs' sysfs counters (a fake tree) and nvidia-smi's
/// clock-throttle reasons (a fake script).
final class ThrottleTests: XCTestCase {
    private func writeCounters(_ tree: TestDirectory, core: [UInt64], package: [UInt64]) {
        for (cpu, (core, package)) in zip(core, package).enumerated() {
            let folder = "devices/system/cpu/cpu\(cpu)/thermal_throttle/"
            tree.write(folder + "core_throttle_count", "\(core)\n")
            tree.write(folder + "package_throttle_count", "\(package)\n")
        }
    }

    func testCoreEventsAreSummedAndPackageEventsTakenFromTheBusiestCPU() {
        let tree = TestDirectory()
        tree.write("devices/system/cpu/cpufreq/policy0/scaling_governor", "performance\n")
        writeCounters(tree, core: [5, 7, 0, 2], package: [10, 10, 20, 20])
        let before = ThermalThrottleCounters.read(sysRoot: tree.path)
        XCTAssertEqual(before.core, [0: 5, 1: 7, 2: 0, 3: 2])
        writeCounters(tree, core: [6, 9, 0, 1], package: [13, 13, 21, 21])
        let events = ThermalThrottleCounters.read(sysRoot: tree.path).events(since: before)
        // cpu3 went backwards (hot-plugged): 0, not a negative count.
        XCTAssertEqual(events.core, 3)
        XCTAssertEqual(events.package, 3)
    }

    func testAMachineWithoutThrottleCountersReportsNone() {
        let tree = TestDirectory()
        tree.write("devices/system/cpu/cpu0/online", "1\n")
        let counters = ThermalThrottleCounters.read(sysRoot: tree.path)
        let events = counters.events(since: counters)
        XCTAssertNil(events.core)
        XCTAssertNil(events.package)
        XCTAssertNil(ThermalThrottleCounters.read(sysRoot: "/nonexistent").events(since: counters).core)
    }

    func testThrottleReasonBitsAreNamedAndMalformedRowsSkipped() {
        let output =
            "0, 0x0000000000000005\n1, 0x0000000000000060\n2, 0x0000000000000000\n3, [N/A]\nx, 0x1\n"
            + "4, 0x0000000000000400\n"
        XCTAssertEqual(
            NVIDIAThrottleReasons.parse(output),
            [
                0: ["gpu_idle", "sw_power_cap"], 1: ["sw_thermal_slowdown", "hw_thermal_slowdown"], 2: [],
                4: ["bit_0x400"],
            ])
    }

    func testThrottleReasonsComeFromNvidiaSMIAndAFailingOneGivesNone() {
        let directory = TestDirectory()
        directory.write(
            "nvidia-smi", "#!/bin/sh\necho \"$@\" > '\(directory.path)/args'\necho '0, 0x0000000000000004'\n",
            mode: 0o755)
        XCTAssertEqual(
            NVIDIAThrottleReasons.query(nvidiaSMIPath: directory.path + "/nvidia-smi"), [0: ["sw_power_cap"]])
        XCTAssertEqual(
            LiveSystemFiles().read(directory.path + "/args").text,
            "--query-gpu=index,clocks_throttle_reasons.active --format=csv,noheader,nounits\n")
        directory.write(
            "newer",
            "#!/bin/sh\ncase \"$1\" in\n  *clocks_throttle_reasons*) echo 'not a valid field' >&2; exit 2;;\nesac\n"
                + "echo '0, 0x0000000000000040'\n", mode: 0o755)
        XCTAssertEqual(
            NVIDIAThrottleReasons.query(nvidiaSMIPath: directory.path + "/newer"), [0: ["hw_thermal_slowdown"]],
            "a driver that knows only clocks_event_reasons is asked for that")
        directory.write("failing", "#!/bin/sh\nexit 9\n", mode: 0o755)
        XCTAssertNil(NVIDIAThrottleReasons.query(nvidiaSMIPath: directory.path + "/failing"))
        XCTAssertNil(NVIDIAThrottleReasons.query(nvidiaSMIPath: directory.path + "/missing"))
    }
}
