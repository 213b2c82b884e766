import Model
import XCTest

@testable import Agent

final class ProbeHardwareTests: XCTestCase {
    func testCoresAreDistinctSocketAndCorePairsAndThreadsAreProcessors() {
        var text = ""
        for thread in 0..<8 {
            text += "processor\t: \(thread)\nvendor_id\t: GenuineIntel\n"
            text += "model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n"
            text += "physical id\t: \(thread / 4)\ncore id\t\t: \(thread % 2)\ncpu cores\t: 2\n\n"
        }
        XCTAssertEqual(
            CPUInfo.parse(text), CPUInfo(model: "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", cores: 4, threads: 8))
    }

    func testWithoutCoreIdsCoresComeFromCPUCoresOrTheThreads() {
        let arm = "processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n\nHardware\t: BCM2835\n"
        XCTAssertEqual(CPUInfo.parse(arm), CPUInfo(model: "BCM2835", cores: 2, threads: 2))
        let virtual =
            "processor : 0\nmodel name : AMD EPYC\nphysical id : 0\ncpu cores : 1\n\nprocessor : 1\n"
            + "model name : AMD EPYC\nphysical id : 0\ncpu cores : 1\n"
        XCTAssertEqual(CPUInfo.parse(virtual), CPUInfo(model: "AMD EPYC", cores: 1, threads: 2))
        XCTAssertEqual(CPUInfo.parse(""), CPUInfo(model: "unknown", cores: 1, threads: 1))
        XCTAssertEqual(MemoryInfo.totalMegabytes("MemTotal:       16318844 kB\nMemFree: 1 kB\n"), 15936)
        XCTAssertNil(MemoryInfo.totalMegabytes("MemFree: 1 kB\n"))
    }

    func testTheEncoderListAndVersionAreReadFromFFmpegsOutput() {
        let listing = """
            Encoders:
             V..... = Video
             ------
             V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC (codec h264)
             V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
             A....D aac                  AAC (Advanced Audio Coding)
            """
        XCTAssertEqual(FFmpegEncoderList.videoEncoders(listing), ["libx264", "h264_nvenc"])
        XCTAssertEqual(
            FFmpegEncoderList.version("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\n"),
            "5.1.9-0+deb12u1")
        XCTAssertNil(FFmpegEncoderList.version("nonsense"))
        XCTAssertEqual(
            CapabilityProber.withoutAddress("[h264_nvenc @ 0x562ca4aca1c0] Cannot load libcuda.so.1"),
            "[h264_nvenc] Cannot load libcuda.so.1")
        XCTAssertEqual(CapabilityProber.withoutAddress("Error while opening"), "Error while opening")
    }

    func testOnlyAProbeEncodeProvesACapabilityAndNVENCIsListedButUnprovenHere() {
        let proc = ScratchDirectory()
        proc.write("cpuinfo", "processor\t: 0\nmodel name\t: Test CPU\n\nprocessor\t: 1\nmodel name\t: Test CPU\n")
        proc.write("meminfo", "MemTotal:        2097152 kB\n")
        let report = HardwareProbe.probe(
            HardwareProbeConfiguration(
                procRoot: proc.path, nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: nil))
        XCTAssertEqual(report.hardware, Hardware(cpuModel: "Test CPU", cores: 2, threads: 2, ramMegabytes: 2048))
        XCTAssertTrue(report.ffmpegVersion?.hasPrefix("5.") ?? false, "\(report.ffmpegVersion ?? "nil")")
        XCTAssertTrue(report.encoders.contains("libx264"))
        XCTAssertTrue(report.encoders.contains("h264_nvenc"), "Debian's ffmpeg lists NVENC without a GPU")
        XCTAssertEqual(report.capabilities.map(\.name), [.cpu, .nvenc, .qsv, .vaapi])
        XCTAssertEqual(report.provenCapabilities, [.cpu])

        let cpu = report.capabilities[0]
        XCTAssertTrue(cpu.proven)
        XCTAssertNil(cpu.error)
        XCTAssertTrue(cpu.probe.contains("-t 0.5 -i testsrc2=size=256x144:rate=25"), cpu.probe)
        XCTAssertTrue(cpu.probe.contains("-c:v libx264"))

        let nvenc = report.capabilities[1]
        XCTAssertFalse(nvenc.proven)
        XCTAssertTrue(nvenc.probe.contains("-c:v h264_nvenc -preset p4 -tune hq"), nvenc.probe)
        XCTAssertTrue(nvenc.error?.hasPrefix("[h264_nvenc]") ?? false, nvenc.error ?? "no error")
        XCTAssertFalse(nvenc.error?.contains("0x") ?? true)
        XCTAssertTrue(report.capabilities[2...].allSatisfy { !$0.proven && $0.error != nil })
    }

    func testDeclaredCapabilitiesSkipTheProbesAndSaySo() {
        let report = HardwareProbe.probe(
            HardwareProbeConfiguration(
                nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: nil, declaredCapabilities: [.cpu, .nvenc]))
        XCTAssertEqual(
            report.capabilities,
            [
                CapabilityStatus(name: .cpu, proven: true, probe: "declared by operator"),
                CapabilityStatus(name: .nvenc, proven: true, probe: "declared by operator"),
            ])
        XCTAssertEqual(report.provenCapabilities, [.cpu, .nvenc])
    }

    func testAMissingFFmpegProvesNothingAndSaysWhy() {
        let status = CapabilityProber(ffmpegPath: "/nonexistent/ffmpeg").probe(.cpu, encoders: nil)
        XCTAssertFalse(status.proven)
        XCTAssertEqual(status.error, "ffmpeg not found (/nonexistent/ffmpeg)")
        let unlisted = CapabilityProber().probe(.qsv, encoders: ["libx264"])
        XCTAssertEqual(unlisted.error, "ffmpeg has no h264_qsv encoder")
    }

    func testGPUsComeFromNvidiaSMIWithTheirMemory() {
        // A test-only shell script answering with what a real H200's nvidia-smi printed for both
        // queries (driver 580.159.04, captured on the lent device machine), plus the memory.used
        // column the sampler has asked for since.
        let fake = ScratchDirectory()
        let row = "0, NVIDIA H200, 580.159.04, 118.55, 78.61, 700.00, 0, 0, 0, 0, 36, 0"
        fake.write(
            "nvidia-smi",
            "#!/bin/sh\ncase \"$1\" in\n  --query-gpu=index,memory.total,uuid) echo '0, 143771, GPU-5c1e0b7a-93d4-4c0e-8f4e-1a2b3c4d5e6f';;\n"
                + "  *) echo '\(row)';;\nesac\n",
            mode: 0o755)
        let gpus = GPUInventory.probe(nvidiaSMIPath: fake.path + "/nvidia-smi", nvmlLibraryPath: nil, timeoutSeconds: 5)
        XCTAssertEqual(
            gpus,
            [
                Hardware.GPU(
                    index: 0, name: "NVIDIA H200", memoryMegabytes: 143_771, driver: "580.159.04",
                    uuid: "GPU-5c1e0b7a-93d4-4c0e-8f4e-1a2b3c4d5e6f")
            ])
        XCTAssertEqual(
            GPUInventory.probe(nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: nil, timeoutSeconds: 5), [])
        let details = GPUInventory.parseDetails("0, 81559, GPU-ab-12\n1, [N/A], <b>\nbad\n")
        XCTAssertEqual(details[0]?.memory, 81559)
        XCTAssertEqual(details[0]?.uuid, "GPU-ab-12")
        XCTAssertNil(details[1]?.memory ?? nil, "[N/A] is not a size")
        XCTAssertNil(details[1]?.uuid ?? nil, "not a UUID")
        XCTAssertEqual(details.count, 2)
    }
}
