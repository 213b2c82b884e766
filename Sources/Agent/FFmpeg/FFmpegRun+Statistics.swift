import Model

#if canImport(Glibc)
    import Glibc
#endif

extension FFmpegRun {
    /// The report's status and error text for how ffmpeg ended.
    static func status(
        of outcome: ProcessOutcome, usage: ControlGroup.Usage?, limits: ResourceLimits
    ) -> (RunStatus, String?) {
        switch outcome.stopReason {
        case .timedOut: return (.timedOut, "ffmpeg ran past the timeout; its process group was killed")
        case .cancelled: return (.cancelled, "cancelled")
        case nil: break
        }
        if outcome.succeeded { return (.succeeded, nil) }
        if let usage, usage.outOfMemoryKills > 0 {
            let limit = limits.memoryMegabytes.map { " of \($0) MB" } ?? ""
            return (.failed, "ffmpeg passed its memory limit\(limit) and was killed (\(outcome.termination))")
        }
        let detail = outcome.logTail.first.map { ": \($0)" } ?? ""
        return (.failed, "ffmpeg \(outcome.termination)\(detail)")
    }

    /// Frames and speed from the last `-progress` block, average fps over the wall time, output
    /// bytes (the file's size, else what the muxer wrote), and the achieved bitrate: bytes × 8
    /// over the media duration (frames ÷ fps, else ffmpeg's out_time); dropped and duplicated
    /// frames from the same block.
    static func statistics(
        _ job: JobSpec, _ invocation: FFmpegInvocation, outcome: ProcessOutcome, progress: FFmpegProgress?
    ) -> JobResult.FFmpegStatistics {
        let frames = progress?.frame ?? 0
        let bytes = invocation.outputPath.flatMap(fileSize) ?? progress?.totalSizeBytes ?? 0
        let mediaSeconds = job.fps.map { Double(frames) / $0 } ?? progress?.outTimeSeconds ?? 0
        let bitrate =
            bytes > 0 && mediaSeconds > 0 ? Double(bytes) * 8 / mediaSeconds / 1000 : progress?.bitrateKilobits
        var statistics = JobResult.FFmpegStatistics(
            frames: frames, averageFPS: outcome.wallSeconds > 0 ? Double(frames) / outcome.wallSeconds : 0,
            speed: progress?.speed, outputBytes: bytes, bitrateKilobits: bitrate, argv: invocation.argv,
            logTail: outcome.logTail)
        statistics.droppedFrames = progress.map { max(0, $0.droppedFrames) }
        statistics.duplicatedFrames = progress.map { max(0, $0.duplicatedFrames) }
        return statistics
    }

    private static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
