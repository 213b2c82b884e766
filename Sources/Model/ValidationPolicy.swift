/// The limits `JobValidator` enforces. Defaults suit a submitter's pre-check; an agent sets
/// `cores`, `allowedRoots` and, if it wants, tighter ranges from its configuration.
public struct ValidationPolicy: Sendable, Equatable {
    /// Smallest width and height, in pixels.
    public var minimumDimension = 16
    /// Largest frame, accepted in either orientation (7680x4320 or 4320x7680). Both
    /// dimensions must also be even (4:2:0 chroma needs it).
    public var maximumResolution = Resolution(width: 7680, height: 4320)
    /// Frames per second, for the output and for generated sources.
    public var frameRates: ClosedRange<Double> = 1...240
    /// Seconds: the job's `duration_s` and a generated source's length.
    public var durations: ClosedRange<Double> = 0.1...3600
    /// Target bitrate, bits per second (16 kbit/s … 200 Mbit/s).
    public var bitrates: ClosedRange<Int> = 16_000...200_000_000
    /// Keyframe interval, frames.
    public var gops: ClosedRange<Int> = 1...1000
    /// `limits.timeout_s`, seconds (one day at most).
    public var timeouts: ClosedRange<Int> = 1...86_400
    /// The timeout when a job gives none: every job has one.
    public var defaultTimeoutSeconds = 3600
    /// Cores of the machine the job would run on; `limits.cpu_percent` may be 1 … 100 × cores.
    /// The default is loose (a submitter does not know the agent); an agent sets its own.
    public var cores = 256
    /// `limits.memory_mb`.
    public var memoryMegabytes: ClosedRange<Int> = 64...65_536
    public var priorities: ClosedRange<Int> = 0...9
    /// `settle_s`: seconds of idle power an agent measures before the job (it tells JetStream it
    /// is still working meanwhile, so the ack wait does not bound it).
    public var settleSeconds: ClosedRange<Double> = 1...120
    public var defaultPriority = 5
    /// At most this many labels; keys are `[a-z0-9_.-]{1,maximumLabelKeyLength}`, values at
    /// most `maximumLabelValueLength` Unicode scalars with no control characters.
    public var maximumLabels = 32
    public var maximumLabelKeyLength = 64
    public var maximumLabelValueLength = 256
    /// Any other string field (scenario, preset, path, URL, file name), in UTF-8 bytes.
    public var maximumStringBytes = 1024
    /// A whole job message, in bytes, and its JSON nesting depth.
    public var maximumMessageBytes = 65_536
    public var maximumNestingDepth = 16
    /// Directories file inputs must be under (absolute, normalized). Empty: no file inputs.
    public var allowedRoots: [String] = []
    /// URL schemes inputs and outputs may use. Adding `http`/`https` is the operator's choice;
    /// `URLRules.forbiddenSchemes` (`file`, `concat`, `subfile`, `data`, `pipe`, …) stay refused
    /// even if listed here.
    public var allowedURLSchemes: Set<String> = ["rtmp", "rtmps", "srt"]

    public init() {}

    /// Largest `limits.cpu_percent`.
    public var maximumCPUPercent: Int { 100 * max(1, cores) }
}
