/// One `-progress` block: ffmpeg's state when it wrote `progress=continue` or `progress=end`.
/// A value ffmpeg printed as `N/A` (or could not be read) is nil.
public struct FFmpegProgress: Sendable, Equatable {
    /// Frames encoded so far.
    public var frame: Int
    /// ffmpeg's own recent frames per second.
    public var fps: Double?
    /// Output bitrate so far, kbit/s (`N/A` for outputs whose size ffmpeg cannot see).
    public var bitrateKilobits: Double?
    /// Bytes written to the output so far.
    public var totalSizeBytes: Int64?
    /// Media time of the output so far, µs.
    public var outTimeMicroseconds: Int64?
    /// Encode speed relative to real time.
    public var speed: Double?
    public var duplicatedFrames: Int
    public var droppedFrames: Int
    /// `progress=end`: the last block.
    public var isEnd: Bool

    public init(
        frame: Int = 0, fps: Double? = nil, bitrateKilobits: Double? = nil, totalSizeBytes: Int64? = nil,
        outTimeMicroseconds: Int64? = nil, speed: Double? = nil, duplicatedFrames: Int = 0, droppedFrames: Int = 0,
        isEnd: Bool = false
    ) {
        self.frame = frame
        self.fps = fps
        self.bitrateKilobits = bitrateKilobits
        self.totalSizeBytes = totalSizeBytes
        self.outTimeMicroseconds = outTimeMicroseconds
        self.speed = speed
        self.duplicatedFrames = duplicatedFrames
        self.droppedFrames = droppedFrames
        self.isEnd = isEnd
    }

    /// Media time of the output so far, seconds.
    public var outTimeSeconds: Double? { outTimeMicroseconds.map { Double($0) / 1e6 } }
}
