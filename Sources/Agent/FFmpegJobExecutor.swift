import Model

/// The production executor: each job is one `FFmpegRun` (argv built from the spec, limits,
/// timeout, progress, quality, cleanup), its report mapped onto the agent's outcome.
struct FFmpegJobExecutor: JobExecutor {
    let configuration: FFmpegRunConfiguration
    let limiter: ResourceLimiter

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        let run = FFmpegRun(spec: spec, configuration: configuration, limiter: limiter)
        control.whenCancelled { run.cancel() }
        let observer = FFmpegRunObserver(
            started: { processID, controlGroupPath, _ in control.started(processID, controlGroupPath) },
            progress: { progress in control.progressed(ProgressSnapshot(progress)) },
            encodeEnded: { _, cpuSeconds in control.encodeEnded(cpuSeconds) })
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
        let reason = report.error ?? "ffmpeg failed"
        let status: Status =
            switch report.status {
            case .succeeded: .succeeded
            case .failed: .failed(reason)
            case .timedOut: .timedOut
            case .cancelled: .cancelled
            case .rejected(let rejection): .refused(field: rejection.field, reason: rejection.reason)
            case .notStarted: .couldNotStart(reason)
            }
        self.init(
            status: status, statistics: report.statistics, quality: report.quality,
            limitsMode: report.resourceLimitsMode, cpuSeconds: report.cpuSeconds, startedAt: report.startedAt ?? 0,
            finishedAt: report.finishedAt)
    }
}
