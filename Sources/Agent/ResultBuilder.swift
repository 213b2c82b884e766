import Model
import Support

/// Turns how a job ended into the result the agent publishes: status, timings, ffmpeg figures,
/// energy, quality, efficiency and cost (ARCHITECTURE §3).
struct ResultBuilder {
    let config: AgentConfig
    let spec: JobSpec
    let attempt: Int
    let queuedAt: Int64?

    func result(for outcome: ExecutionOutcome, energy: EnergyReport?) -> JobResult {
        let finishedAt = outcome.finishedAt > 0 ? outcome.finishedAt : Timestamp.nowNanoseconds()
        let wallSeconds = outcome.startedAt > 0 ? Double(finishedAt - outcome.startedAt) / 1e9 : 0
        let (status, error, rejectField) = Self.status(of: outcome)
        var result = JobResult(
            jobID: spec.id, nodeID: config.nodeID, attempt: attempt, status: status, error: error,
            rejectField: rejectField,
            timings: JobResult.Timings(
                queuedAt: queuedAt, startedAt: outcome.startedAt > 0 ? outcome.startedAt : nil, finishedAt: finishedAt,
                wallSeconds: wallSeconds, cpuSeconds: outcome.cpuSeconds),
            ffmpeg: outcome.statistics, energy: energy, quality: outcome.quality,
            resourceLimitsMode: outcome.limitsMode, scenario: spec.scenario, encoder: spec.encoder,
            resolution: spec.resolution, fps: spec.fps, labels: spec.labels)
        result.targetSearch = outcome.targetSearch
        if let energy, let statistics = outcome.statistics, let resolution = outputResolution {
            result.efficiency = Efficiency.compute(
                renditions: [Efficiency.Rendition(resolution: resolution, frames: statistics.frames)],
                joules: energy.totalJoules, wallSeconds: wallSeconds, encodedBytes: statistics.outputBytes,
                quality: outcome.quality)
        }
        result.region = config.region
        result.gpu = outcome.gpu.map { GPUAssignment(index: $0) }
        if let energy { result.cost = Cost.compute(joules: energy.totalJoules, price: config.price) }
        result.inputDigest = outcome.inputDigest
        result.keptOutput = outcome.keptOutput
        return result
    }

    /// The encoded picture size: the job's scaling, else a generated input's size (a file's or
    /// stream's own size is not known here, so no per-pixel figures for those).
    private var outputResolution: Resolution? {
        if let resolution = spec.resolution { return resolution }
        if case .generated(_, let resolution, _, _) = spec.input { return resolution }
        return nil
    }

    private static func status(of outcome: ExecutionOutcome) -> (JobResult.Status, String?, String?) {
        switch outcome.status {
        case .succeeded: (.succeeded, nil, nil)
        case .failed, .notStarted: (.failed, outcome.error ?? "", nil)
        case .timedOut: (.timeout, "the job ran past its timeout and was stopped", nil)
        case .cancelled: (.cancelled, "cancelled by request", nil)
        case .rejected(let rejection): (.rejected, rejection.reason, rejection.field)
        }
    }
}
