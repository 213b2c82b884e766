import Model

/// Messages as agents write them, for master tests.
enum MasterFixtures {
    static func result(
        _ jobID: String, node: String = "node-1", attempt: Int = 1, status: JobResult.Status = .succeeded,
        finishedAt: Int64 = 2_000_000_000, joules: Double? = 12, scenario: String = "720p30-h264"
    ) -> JobResult {
        var result = JobResult(
            jobID: jobID, nodeID: node, attempt: attempt, status: status,
            timings: JobResult.Timings(
                queuedAt: 1_000, startedAt: 1_000_000_000, finishedAt: finishedAt,
                wallSeconds: 1, cpuSeconds: 2),
            ffmpeg: JobResult.FFmpegStatistics(frames: 60, averageFPS: 60, outputBytes: 1000, argv: ["ffmpeg"]),
            resourceLimitsMode: .none, scenario: scenario, encoder: .libx264)
        if let joules {
            result.energy = EnergyReport(
                components: [], totalJoules: joules, dynamicJoules: joules / 2, source: .estimated,
                joulesPerFrame: joules / 60)
        }
        return result
    }

    static func event(_ jobID: String, _ state: JobState, attempt: Int? = 1, at: Int64, message: String? = nil)
        -> JobEvent
    {
        JobEvent(jobID: jobID, nodeID: "node-1", state: state, at: at, attempt: attempt, message: message)
    }

    static func heartbeat(_ node: String, state: NodeState = .available) -> Heartbeat {
        Heartbeat(
            nodeID: node, name: node, softwareVersion: "test",
            hardware: Hardware(cpuModel: "test CPU", cores: 2, threads: 2, ramMegabytes: 1024, gpus: []),
            capabilities: [CapabilityStatus(name: .cpu, proven: true, probe: "test")], slotsTotal: 1, slotsBusy: 0,
            runningJobs: [], state: state, powerSources: [.estimated], sentAt: 1)
    }

    /// A busy node's sample: one running job and one power reading.
    static func telemetry(_ node: String, job: String = "job-9", sentAt: Int64 = 1) -> TelemetrySample {
        TelemetrySample(
            nodeID: node, monotonicNanoseconds: sentAt, sentAt: sentAt, cpuPercent: 50, memoryUsedMegabytes: 100,
            memoryTotalMegabytes: 1000,
            power: [TelemetrySample.PowerReading(domain: "cpu", watts: 9.5, source: .estimated)],
            jobs: [
                TelemetrySample.JobProgress(
                    id: job, frame: 10, fps: 30, cpuPercent: 90, residentMegabytes: 50, outputSeconds: 0.3)
            ])
    }
}
