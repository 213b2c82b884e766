/// How this agent runs ffmpeg jobs.
public struct FFmpegRunConfiguration: Sendable, Equatable {
    /// `ffmpeg`, searched in PATH when it holds no `/`.
    public var ffmpegPath: String
    /// The agent's work directory; each job runs in its own folder inside (`JobWorkspace`).
    public var workDirectory: String
    /// Free space the work directory must keep (bytes; 1 GiB by default).
    public var minimumFreeBytes: Int64
    /// Roots file inputs must resolve under (the validator's `allowedRoots`).
    public var allowedInputRoots: [String]
    /// Seconds between SIGTERM and SIGKILL when a job times out or is cancelled.
    public var terminationGraceSeconds: Double
    /// Lines of ffmpeg's stderr kept for the result.
    public var logTailLines: Int
    /// `-threads` for every job; nil: ⌈cpu_percent / 100⌉ when the job sets cpu_percent, else
    /// ffmpeg's choice.
    public var threads: Int?
    public var buildOptions: FFmpegBuildOptions

    public init(
        ffmpegPath: String = "ffmpeg", workDirectory: String, minimumFreeBytes: Int64 = 1 << 30,
        allowedInputRoots: [String] = [], terminationGraceSeconds: Double = 2, logTailLines: Int = 40,
        threads: Int? = nil, buildOptions: FFmpegBuildOptions = FFmpegBuildOptions()
    ) {
        self.ffmpegPath = ffmpegPath
        self.workDirectory = workDirectory
        self.minimumFreeBytes = minimumFreeBytes
        self.allowedInputRoots = allowedInputRoots
        self.terminationGraceSeconds = terminationGraceSeconds
        self.logTailLines = logTailLines
        self.threads = threads
        self.buildOptions = buildOptions
    }
}
