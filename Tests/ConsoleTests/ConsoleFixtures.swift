import Model

/// Messages as agents write them, for console tests.
enum ConsoleFixtures {
    static func result(
        _ jobID: String, status: JobResult.Status = .succeeded, node: String = "node-1", joules: Double = 700,
        finishedAt: Int64 = 10_000_000_000
    ) -> JobResult {
        var result = JobResult(
            jobID: jobID, nodeID: node, attempt: 1, status: status,
            error: status == .succeeded ? nil : "ffmpeg exited with status 1",
            timings: JobResult.Timings(
                queuedAt: 1_000_000_000, startedAt: 2_000_000_000, finishedAt: finishedAt, wallSeconds: 5,
                cpuSeconds: 19.6),
            ffmpeg: JobResult.FFmpegStatistics(
                frames: 300, averageFPS: 60, speed: 2, outputBytes: 3_125_000, bitrateKilobits: 5000, argv: ["ffmpeg"]),
            quality: JobResult.QualityScores(psnr: 41.2, ssim: 0.981),
            cost: Cost(
                kilowattHours: 0.000_194_4, usd: 0.000_023_33, co2Grams: 0.077_78, usdPerKilowattHour: 0.12,
                gramsPerKilowattHour: 400),
            resourceLimitsMode: .none, scenario: "1080p60-h265", encoder: .libx265, resolution: .fullHD, fps: 60,
            labels: ["run": "nightly"])
        result.energy = EnergyReport(
            components: [], totalJoules: joules, dynamicJoules: joules * 0.8, source: .rapl,
            joulesPerFrame: joules / 300, averageWatts: 140, peakWatts: 151)
        return result
    }

    static func event(
        _ jobID: String, _ state: JobState, attempt: Int? = 1, at: Int64 = 1, progress: Double? = nil,
        message: String? = nil, willRetry: Bool? = nil
    ) -> JobEvent {
        JobEvent(
            jobID: jobID, nodeID: state == .queued ? nil : "node-1", state: state, at: at,
            attempt: state == .queued ? nil : attempt, message: message, progress: progress, willRetry: willRetry)
    }

    static func heartbeat(_ node: String) -> Heartbeat {
        Heartbeat(
            nodeID: node, name: node + ".lab", softwareVersion: "0.5.0",
            hardware: Hardware(cpuModel: "test CPU", cores: 8, threads: 16, ramMegabytes: 32000, gpus: []),
            capabilities: [
                CapabilityStatus(name: .cpu, proven: true, probe: "ffmpeg …"),
                CapabilityStatus(name: .nvenc, proven: false, probe: "ffmpeg …", error: "no device"),
            ],
            slotsTotal: 4, slotsBusy: 1, runningJobs: ["job-9"], state: .busy, powerSources: [.rapl], sentAt: 1)
    }

    static func telemetry(_ node: String, job: String = "job-9", progress: Double? = 0.25, speed: Double? = 2)
        -> TelemetrySample
    {
        TelemetrySample(
            nodeID: node, monotonicNanoseconds: 1, sentAt: 1, cpuPercent: 37.5, memoryUsedMegabytes: 100,
            memoryTotalMegabytes: 1000,
            power: [
                .init(domain: "package", watts: 100, source: .rapl), .init(domain: "dram", watts: 10, source: .rapl),
                .init(domain: "psys", watts: 150, source: .rapl), .init(domain: "gpu0", watts: 0, source: .notMeasured),
            ],
            jobs: [
                .init(id: "other", frame: 1, fps: 1, cpuPercent: 1, residentMegabytes: 1, outputSeconds: 1),
                .init(
                    id: job, frame: 150, fps: 61.25, speed: speed, cpuPercent: 390, residentMegabytes: 600,
                    outputSeconds: 2.5, progress: progress),
            ])
    }
}
