extension JobValidator {
    /// A target-quality job: the score within its metric's range, no rate of its own (the agent
    /// searches `crf`), a source that can be read again and a null output (each probe would
    /// overwrite a file output). The metric joins `quality`; the first probe's `crf` is the middle
    /// of the encoder's range.
    func apply(_ target: QualityTarget, to spec: inout JobSpec, job: Job) throws(JobRejection) {
        guard target.score.isFinite, target.allowedScores.contains(target.score) else {
            let range = target.allowedScores
            throw JobRejection(
                field: "target_quality.score",
                reason: "\(target.metric.rawValue) target must be \(range.lowerBound) … \(range.upperBound)")
        }
        if job.bitrate != nil || job.crf != nil {
            throw JobRejection(
                field: job.bitrate != nil ? "bitrate" : "crf",
                reason: "a target-quality job searches crf itself: give no bitrate or crf")
        }
        if case .url = spec.input {
            throw JobRejection(field: "input", reason: "a target-quality job needs a generated or file input")
        }
        guard spec.output == .null else {
            throw JobRejection(
                field: "output", reason: "a target-quality job encodes to null (each probe is discarded)")
        }
        let range = spec.encoder.constantQualityRange
        spec.rateControl = .constantQuality((range.lowerBound + range.upperBound) / 2)
        spec.quality.insert(target.metric)
        spec.targetQuality = target
    }
}
