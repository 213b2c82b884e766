import Model

/// The production executor: each job is one `FFmpegRun` (argv built from the spec, limits,
/// timeout, progress, quality, cleanup), its report mapped onto the agent's outcome.
struct FFmpegJobExecutor: JobExecutor {
    let configuration: FFmpegRunConfiguration
    let limiter: ResourceLimiter

    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        if let target = spec.targetQuality { return search(target, spec, control: control) }
        return runOnce(spec, control: control).outcome
    }

    /// One run of `spec` and the energy of its encode.
    private typealias Run = (outcome: ExecutionOutcome, energy: EnergyReport?)

    /// One `FFmpegRun` of `spec`, with the energy of its encode.
    private func runOnce(_ spec: JobSpec, control: ExecutionControl) -> Run {
        var configuration = configuration
        configuration.buildOptions.gpu = control.gpu
        let run = FFmpegRun(spec: spec, configuration: configuration, limiter: limiter)
        control.whenCancelled { run.cancel() }
        var energy: EnergyReport?
        let observer = FFmpegRunObserver(
            started: { processID, controlGroupPath, _ in control.started(processID, controlGroupPath) },
            progress: { progress in control.progressed(ProgressSnapshot(progress)) },
            encodeEnded: { _, cpuSeconds in energy = control.encodeEnded(cpuSeconds) },
            keepOutput: { path in control.keepOutput(path) })
        return (ExecutionOutcome(run.execute(observer: observer)), energy)
    }

    /// A target-quality job: probes at the settings `TargetQualitySearch` picks, each a whole run
    /// (encode, then the metric); the outcome is the chosen probe's, with the search. When no probe
    /// gave a score, the last probe's failure.
    private func search(_ target: QualityTarget, _ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome {
        var runs: [Int: Run] = [:]
        var last: Run?
        let search = TargetQualitySearch(target: target, range: spec.encoder.constantQualityRange).run(
            shouldStop: { control.isCancelled }
        ) { crf in
            var probe = spec
            probe.rateControl = .constantQuality(crf)
            let run = runOnce(probe, control: control)
            (runs[crf], last) = (run, run)
            let score = run.outcome.status == .succeeded ? run.outcome.quality?[target.metric] : nil
            return .init(score: score, joules: run.energy?.totalJoules)
        }
        guard let crf = search.crf, let chosen = runs[crf] else {
            var failed = last?.outcome ?? ExecutionOutcome(status: .notStarted, error: "no probe ran")
            if failed.status == .succeeded {
                (failed.status, failed.error) = (.failed, "no \(target.metric.rawValue) score from any probe")
            }
            failed.targetSearch = search
            return failed
        }
        var outcome = chosen.outcome
        outcome.targetSearch = search
        outcome.energy = chosen.energy
        if control.isCancelled { outcome.status = .cancelled }
        return outcome
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
