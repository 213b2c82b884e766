import Model

/// PSNR, SSIM and VMAF of an encoded file against its source, by a second ffmpeg run: the file and the
/// source read again (a generated source regenerated with the same pattern, size, rate and
/// length; a file input re-read), the source scaled and resampled exactly as the encode did, both
/// timestamps zeroed and converted to yuv420p, then `ssim`, `psnr` and/or `libvmaf` (encoded
/// first, source second, as each filter expects; `-loglevel info`, whose summary lines
/// `QualityLogParser` reads).
public struct QualityMeter: Sendable {
    public var ffmpegPath: String
    public var logTailLines: Int

    public init(ffmpegPath: String = "ffmpeg", logTailLines: Int = 40) {
        self.ffmpegPath = ffmpegPath
        self.logTailLines = logTailLines
    }

    /// Why no scores came back.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var logTail: [String]
        public var description: String { reason }
    }

    /// The comparing command; nil when the job asks for no metric or its source cannot be read
    /// again (a stream input).
    public func invocation(spec: JobSpec, encodedPath: String, workDirectory: String) -> FFmpegInvocation? {
        guard !spec.quality.isEmpty, let reference = referenceInput(spec) else { return nil }
        let argv =
            [ffmpegPath, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info", "-i", encodedPath] + reference
            + ["-lavfi", filterGraph(spec), "-f", "null", "-"]
        return FFmpegInvocation(argv: argv, workDirectory: workDirectory)
    }

    /// Runs the comparison (at most `timeoutSeconds`); `onStart` gets the child (to cancel it).
    public func measure(
        spec: JobSpec, encodedPath: String, workDirectory: String, timeoutSeconds: Double,
        onStart: (ChildProcess) -> Void = { _ in }
    ) -> Result<JobResult.QualityScores, Failure> {
        guard let invocation = invocation(spec: spec, encodedPath: encodedPath, workDirectory: workDirectory) else {
            return .failure(Failure(reason: "quality cannot be measured for this job", logTail: []))
        }
        let child: ChildProcess
        do {
            child = try ChildProcess(invocation.launch(logTailLines: logTailLines))
        } catch {
            return .failure(Failure(reason: "quality measurement did not start: \(error)", logTail: []))
        }
        onStart(child)
        var parser = QualityLogParser()
        let outcome = child.wait(timeoutSeconds: timeoutSeconds, onErrorLine: { parser.read(line: $0) })
        guard outcome.succeeded else {
            let why =
                switch outcome.stopReason {
                case .timedOut: "timed out"
                case .cancelled: "cancelled"
                case nil: outcome.termination.description
                }
            return .failure(Failure(reason: "quality measurement failed: \(why)", logTail: outcome.logTail))
        }
        let scores = parser.scores
        let missing = spec.quality.filter { scores[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map(\.rawValue).sorted().joined(separator: ", ")
            return .failure(Failure(reason: "ffmpeg printed no \(names) score", logTail: outcome.logTail))
        }
        return .success(scores)
    }

    /// The source's input options, as long as the encode read it.
    private func referenceInput(_ spec: JobSpec) -> [String]? {
        let duration = FFmpegCommandBuilder.outputDuration(spec).map { ["-t", ArgumentText.number($0)] } ?? []
        switch spec.input {
        case .generated(let pattern, let resolution, let fps, let sourceDuration):
            let length = min(sourceDuration, spec.durationSeconds ?? sourceDuration)
            return [
                "-f", "lavfi", "-t", ArgumentText.number(length), "-i",
                FFmpegCommandBuilder.lavfiSource(pattern, resolution, fps: fps),
            ]
        case .file(let path):
            return duration + ["-i", path]
        case .url, .clip:
            return nil
        }
    }

    /// `[0:v]` (encoded) and `[1:v]` (source) made comparable, split when both metrics run.
    func filterGraph(_ spec: JobSpec) -> String {
        let normalize = "settb=AVTB,setpts=PTS-STARTPTS,format=yuv420p"
        let sourceChain = FFmpegCommandBuilder.shapingFilters(spec) + [normalize]
        // vmaf, ssim, then psnr; libvmaf is the filter's name in ffmpeg.
        let metrics = spec.quality.sorted(by: >).map { $0 == .vmaf ? "libvmaf" : $0.rawValue }
        if metrics.count == 1 {
            return "[0:v]\(normalize)[encoded];[1:v]\(sourceChain.joined(separator: ","))[source];"
                + "[encoded][source]\(metrics[0])"
        }
        var graph =
            "[0:v]\(normalize),split=\(metrics.count)"
            + metrics.indices.map { "[encoded\($0)]" }.joined()
            + ";[1:v]\(sourceChain.joined(separator: ",")),split=\(metrics.count)"
            + metrics.indices.map { "[source\($0)]" }.joined()
        for (index, metric) in metrics.enumerated() { graph += ";[encoded\(index)][source\(index)]\(metric)" }
        return graph
    }
}
