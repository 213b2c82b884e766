import Model
import Support

/// Everything one ffmpeg job produced, for the result message.
public struct FFmpegRunReport: Sendable, Equatable {
    /// How the run ended (`cancelled`: by `FFmpegRun.cancel()`).
    public var status: RunStatus
    /// Why it did not succeed.
    public var error: String?
    /// Nil when ffmpeg never ran.
    public var statistics: JobResult.FFmpegStatistics?
    public var quality: JobResult.QualityScores?
    /// Unix ns; nil when ffmpeg never started.
    public var startedAt: Int64?
    public var finishedAt: Int64
    /// ffmpeg's wall time (the quality run excluded).
    public var wallSeconds: Double
    /// ffmpeg's CPU time: wait4's rusage, or the cgroup's usage_usec when higher (it also sees
    /// processes that left the group's process tree).
    public var cpuSeconds: Double
    /// Highest memory use: the cgroup's `memory.peak`, else rusage's max RSS.
    public var peakMemoryBytes: Int64?
    public var resourceLimitsMode: ResourceLimitsMode
    /// Fallbacks and what the limits set, for the log.
    public var notes: [String]
    /// Where the output was kept, for a job with `keep_output`.
    public var keptOutput: KeptOutput? = nil

    static func notRun(_ status: RunStatus, error: String?, notes: [String] = []) -> FFmpegRunReport {
        FFmpegRunReport(
            status: status, error: error, statistics: nil, quality: nil, startedAt: nil,
            finishedAt: Timestamp.nowNanoseconds(), wallSeconds: 0, cpuSeconds: 0, peakMemoryBytes: nil,
            resourceLimitsMode: .none, notes: notes)
    }
}
