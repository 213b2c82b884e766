import Model

/// The production executor: each job is one `FFmpegRun` (argv built from the spec, limits,
/// timeout, progress, quality, cleanup), its report mapped onto the agent's outcome.
struct FFmpegJobExecutor: JobExecutor {
    let configuration: FFmpegRunConfiguration
    let limiter: ResourceLimiter

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        var configuration = configuration
        configuration.buildOptions.gpu = control.gpu
        let run = FFmpegRun(spec: spec, configuration: configuration, limiter: limiter)
        control.whenCancelled { run.cancel() }
        let observer = FFmpegRunObserver(
            started: { processID, controlGroupPath, _ in control.started(processID, controlGroupPath) },
            progress: { progress in control.progressed(ProgressSnapshot(progress)) },
            encodeEnded: { _, cpuSeconds in control.encodeEnded(cpuSeconds) },
            keepOutput: { path in control.keepOutput(path) })
        return ExecutionOutcome(run.execute(observer: observer))
    }
}

extension ProgressSnapshot {
    init(_ progress: FFmpegProgress) {
        self.init(
            frame: progress.frame, fps: progress.fps ?? 0, speed: progress.speed,
            bitrateKilobits: progress.bitrateKilobits, outputSeconds: progress.outTimeSeconds ?? 0)
    }
}

extension ExecutionOutcome {
    init(_ report: FFmpegRunReport) {
        let failed = report.status == .failed || report.status == .notStarted
        self.init(
            status: report.status, error: failed ? report.error ?? "ffmpeg failed" : nil,
            statistics: report.statistics, quality: report.quality, limitsMode: report.resourceLimitsMode,
            cpuSeconds: report.cpuSeconds, startedAt: report.startedAt ?? 0, finishedAt: report.finishedAt,
            keptOutput: report.keptOutput)
    }
}
