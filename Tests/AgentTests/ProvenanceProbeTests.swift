import Energy
import Model
import XCTest

@testable import Agent

/// The host facts and ffmpeg build a node's provenance names, read from fake sysfs/procfs files
/// and ffmpeg's output, and a job's throttling as the agent measures it.
final class ProvenanceProbeTests: XCTestCase {
    /// Files by path; everything else is absent.
    private struct FakeFiles: SystemFileReading {
        var files: [String: String]
        func read(_ path: String) -> FileReadResult { files[path].map { .contents($0) } ?? .absent }
        func list(_ path: String) -> [String]? { nil }
    }

    func testKernelGovernorAndIntelTurboAreReadFromProcAndSys() {
        let files = FakeFiles(files: [
            "/p/sys/kernel/osrelease": "6.1.0-28-amd64\n",
            "/s/devices/system/cpu/cpu0/cpufreq/scaling_governor": "powersave\n",
            "/s/devices/system/cpu/intel_pstate/no_turbo": "1\n",
            "/s/devices/system/cpu/cpufreq/boost": "1\n",
        ])
        XCTAssertEqual(
            HostFacts.read(procRoot: "/p", sysRoot: "/s", files: files),
            HostFacts(kernel: "6.1.0-28-amd64", cpuGovernor: "powersave", turbo: false))
    }

    func testBoostStandsInForIntelTurboAndNothingReadableMeansUnknown() {
        let amd = FakeFiles(files: ["/s/devices/system/cpu/cpufreq/boost": "1\n"])
        XCTAssertEqual(HostFacts.read(procRoot: "/p", sysRoot: "/s", files: amd).turbo, true)
        let garbled = FakeFiles(files: ["/s/devices/system/cpu/intel_pstate/no_turbo": "maybe\n"])
        XCTAssertNil(HostFacts.read(procRoot: "/p", sysRoot: "/s", files: garbled).turbo)
        XCTAssertEqual(
            HostFacts.read(procRoot: "/p", sysRoot: "/s", files: FakeFiles(files: [:])),
            HostFacts(kernel: nil, cpuGovernor: nil, turbo: nil))
    }

    func testTheBuildConfigurationIsReadFromFFmpegVersion() {
        let output = """
            ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers
            built with gcc 12 (Debian 12.2.0-14)
            configuration: --prefix=/usr --enable-libx264 --enable-nvenc
            libavutil      57. 28.100 / 57. 28.100
            """
        XCTAssertEqual(FFmpegEncoderList.configuration(output), "--prefix=/usr --enable-libx264 --enable-nvenc")
        XCTAssertNil(FFmpegEncoderList.configuration("ffmpeg version 5\n"))
        let long = "configuration: " + String(repeating: "x", count: 10_000)
        XCTAssertEqual(FFmpegEncoderList.configuration(long)?.utf8.count, Provenance.maximumConfigurationLength)
    }

    func testAJobOnNoGPUAsksNvidiaSMINothingAndAJobOnAGPUGetsItsReasons() {
        let directory = ScratchDirectory()
        directory.write(
            "nvidia-smi",
            "#!/bin/sh\necho x >> '\(directory.path)/calls'\necho '0, 0x1'\necho '1, 0x0000000000000044'\n",
            mode: 0o755)
        let smi = directory.path + "/nvidia-smi"
        let cpuJob = JobThrottleWatch(sysRoot: "/nonexistent", nvidiaSMIPath: smi, gpus: [])
        XCTAssertEqual(cpuJob.finish(), Throttling())
        XCTAssertNil(directory.read("calls"))
        let gpuJob = JobThrottleWatch(sysRoot: "/nonexistent", nvidiaSMIPath: smi, gpus: [0, 1])
        XCTAssertEqual(gpuJob.finish().gpuReasons, ["hw_thermal_slowdown", "sw_power_cap"])
        XCTAssertEqual(directory.read("calls"), "x\nx\n")
    }
}
