import Model

/// One realistic value of each message, shared by the round-trip and schema tests.
enum Examples {
    static let job = Job(
        id: "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", scenario: "1080p60-h265",
        input: .generated(GeneratedInput(pattern: .smptehdbars, durationSeconds: 5)), output: .file(name: "out.mp4"),
        encoder: .libx265, preset: "fast", crf: 28, resolution: .fullHD, fps: 60, gop: 120, durationSeconds: 5,
        quality: [.psnr, .ssim], limits: JobLimits(cpuPercent: 400, memoryMegabytes: 2048, timeoutSeconds: 600),
        priority: 7, labels: ["run": "nightly", "host.group": "rack-2"], submittedAt: 1_764_130_217_982_729_094)

    static let minimalJob = Job(id: "550e8400-e29b-41d4-a716-446655440000", scenario: "720p30-h264")

    static let heartbeat = Heartbeat(
        nodeID: "node-7", name: "encoder-7.lab", softwareVersion: "0.5.0",
        hardware: Hardware(
            cpuModel: "AMD EPYC 9354 32-Core Processor", cores: 32, threads: 64, ramMegabytes: 257_000,
            gpus: [Hardware.GPU(index: 0, name: "NVIDIA L4", memoryMegabytes: 23_034, driver: "550.54.15")]),
        capabilities: [
            CapabilityStatus(
                name: .cpu, proven: true, probe: "ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v libx264 -f null -"),
            CapabilityStatus(
                name: .nvenc, proven: false,
                probe: "ffmpeg -f lavfi -i testsrc2=s=256x144:d=0.1 -c:v h264_nvenc -f null -",
                error: "OpenEncodeSessionEx failed: unsupported device (2)"),
        ],
        slotsTotal: 4, slotsBusy: 1, runningJobs: ["01JD8Z3W5K6Q9R2T4V7X8Y0ABC"], state: .available,
        powerSources: [.rapl, .nvidiaSMI], sentAt: 1_764_130_220_000_000_000)

    static let telemetry = TelemetrySample(
        nodeID: "node-7", monotonicNanoseconds: 88_123_456_789, sentAt: 1_764_130_221_000_000_000, cpuPercent: 37.5,
        memoryUsedMegabytes: 12_400, memoryTotalMegabytes: 257_000,
        power: [
            .init(domain: "package", watts: 142.3, source: .rapl), .init(domain: "dram", watts: 11.8, source: .rapl),
            .init(domain: "gpu0", watts: 31.0, source: .nvidiaSMI),
        ],
        jobs: [
            .init(
                id: "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", frame: 240, fps: 61.2, speed: 1.02, bitrateKilobits: 5120.4,
                cpuPercent: 395.0, residentMegabytes: 612.5, outputSeconds: 4.0, progress: 0.8)
        ])

    static let event = JobEvent(
        jobID: "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", nodeID: "node-7", state: .progress, at: 1_764_130_221_500_000_000,
        attempt: 1, progress: 0.8)

    static let energy = EnergyReport(
        components: [
            .init(
                domain: "package", source: .rapl, zones: ["package-0"], rangesMicrojoules: [262_143_328_850],
                samples: 6,
                meanIntervalSeconds: 1.0, maxIntervalSeconds: 1.02, coverage: 0.99, totalJoules: 700,
                dynamicJoules: 560,
                idleJoules: 140, averageWatts: 140, peakWatts: 151, attribution: "cpu-time share; idle by presence")
        ], totalJoules: 700, dynamicJoules: 560, source: .rapl, joulesPerFrame: 700.0 / 300,
        dynamicJoulesPerFrame: 560.0 / 300, framesPerJoule: 300.0 / 700, averageWatts: 140, peakWatts: 151)

    static let result: JobResult = {
        let quality = JobResult.QualityScores(psnr: 41.2, ssim: 0.981)
        return JobResult(
            jobID: "01JD8Z3W5K6Q9R2T4V7X8Y0ABC", nodeID: "node-7", attempt: 1, status: .succeeded,
            timings: .init(
                queuedAt: 1_764_130_217_982_729_094, startedAt: 1_764_130_218_000_000_000,
                finishedAt: 1_764_130_223_000_000_000, wallSeconds: 5.0, cpuSeconds: 19.6),
            ffmpeg: .init(
                frames: 300, averageFPS: 60.0, speed: 1.0, outputBytes: 3_125_000, bitrateKilobits: 5000,
                argv: [
                    "ffmpeg", "-hide_banner", "-f", "lavfi", "-i", "smptehdbars=s=1920x1080:r=60:d=5", "-c:v",
                    "libx265",
                ],
                logTail: ["encoded 300 frames in 5.00s (60.00 fps), 5000.00 kb/s"]),
            energy: energy, quality: quality,
            efficiency: Efficiency.compute(
                renditions: [.init(resolution: .fullHD, frames: 300)], joules: 700, wallSeconds: 5,
                encodedBytes: 3_125_000, quality: quality),
            cost: Cost.compute(joules: 700), resourceLimitsMode: .cgroup, scenario: "1080p60-h265", encoder: .libx265,
            resolution: .fullHD, fps: 60, labels: ["run": "nightly"])
    }()

    static let rejectedResult = JobResult.rejected(
        JobRejection(field: "input.path", reason: "must not contain .. components"), jobID: "job-42",
        nodeID: "node-7", attempt: 1, finishedAt: 1_764_130_223_000_000_000)
}
