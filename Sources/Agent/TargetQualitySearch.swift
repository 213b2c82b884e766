import Model

/// Finds a target-quality job's `crf` (`QualityTarget`) by bisection over the encoder's
/// constant-quality range, where a higher setting spends fewer bits and scores lower: a probe
/// that reaches the target moves the search up (cheaper), one that misses moves it down. At most
/// `QualityTarget.maximumProbes` probes; the kept setting is the highest that reached the target,
/// else the lowest probed (the best quality found, `reached` false).
struct TargetQualitySearch {
    /// What one probe measured: the target metric's score (nil: the probe failed and the search
    /// stops) and the encode's joules.
    struct Measurement {
        var score: Double?
        var joules: Double?
    }

    let target: QualityTarget
    let range: ClosedRange<Int>
    var maximumProbes = QualityTarget.maximumProbes

    /// Runs `probe` for each setting tried, in order, until the range is narrowed to one setting,
    /// the probes are spent, a probe fails or `shouldStop` says so (a cancel).
    func run(shouldStop: () -> Bool = { false }, probe: (Int) -> Measurement) -> JobResult.TargetSearch {
        var low = range.lowerBound
        var high = range.upperBound
        var probes: [JobResult.TargetSearch.Probe] = []
        while low <= high, probes.count < maximumProbes, !shouldStop() {
            let crf = low + (high - low) / 2
            let measurement = probe(crf)
            probes.append(.init(crf: crf, score: measurement.score, joules: measurement.joules))
            guard let score = measurement.score else { break }
            if score >= target.score { low = crf + 1 } else { high = crf - 1 }
        }
        let scored = probes.filter { $0.score != nil }
        let reaching = scored.filter { ($0.score ?? -.infinity) >= target.score }
        let chosen = reaching.map(\.crf).max() ?? scored.map(\.crf).min()
        return JobResult.TargetSearch(target: target, probes: probes, crf: chosen, reached: !reaching.isEmpty)
    }
}
