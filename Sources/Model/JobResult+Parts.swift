extension JobResult {
    /// When things happened (Unix nanoseconds) and how long they took.
    public struct Timings: Codable, Sendable, Equatable {
        /// When the job was submitted or entered the queue, if known.
        public var queuedAt: Int64?
        /// When ffmpeg started; nil when it never did.
        public var startedAt: Int64?
        public var finishedAt: Int64
        /// Wall seconds ffmpeg ran, and CPU seconds its process tree used.
        public var wallSeconds: Double
        public var cpuSeconds: Double

        public init(
            queuedAt: Int64? = nil, startedAt: Int64? = nil, finishedAt: Int64, wallSeconds: Double = 0,
            cpuSeconds: Double = 0
        ) {
            self.queuedAt = queuedAt
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.wallSeconds = wallSeconds
            self.cpuSeconds = cpuSeconds
        }

        enum CodingKeys: String, CodingKey {
            case queuedAt = "queued_at"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case wallSeconds = "wall_s"
            case cpuSeconds = "cpu_s"
        }
    }

    /// What ffmpeg did, from its final `-progress` block, and exactly how it was called.
    public struct FFmpegStatistics: Codable, Sendable, Equatable {
        public var frames: Int
        public var averageFPS: Double
        /// Encode speed relative to real time; nil when ffmpeg printed N/A.
        public var speed: Double?
        public var outputBytes: Int64
        /// Achieved bitrate, kbit/s; nil when ffmpeg printed N/A.
        public var bitrateKilobits: Double?
        /// The argv that ran (no shell ever does).
        public var argv: [String]
        /// The last lines of ffmpeg's log.
        public var logTail: [String]
        /// Frames ffmpeg dropped and duplicated to hold the output frame rate (`drop_frames=`,
        /// `dup_frames=` of its last `-progress` block); nil when ffmpeg never reported progress.
        public var droppedFrames: Int?
        public var duplicatedFrames: Int?

        public init(
            frames: Int, averageFPS: Double, speed: Double? = nil, outputBytes: Int64, bitrateKilobits: Double? = nil,
            argv: [String], logTail: [String] = []
        ) {
            self.frames = frames
            self.averageFPS = averageFPS
            self.speed = speed
            self.outputBytes = outputBytes
            self.bitrateKilobits = bitrateKilobits
            self.argv = argv
            self.logTail = logTail
        }

        enum CodingKeys: String, CodingKey {
            case frames, speed, argv
            case averageFPS = "fps_avg"
            case outputBytes = "output_bytes"
            case bitrateKilobits = "bitrate_kbps"
            case logTail = "log_tail"
            case droppedFrames = "drop_frames"
            case duplicatedFrames = "dup_frames"
        }
    }

    /// Quality of the output against its source: PSNR in dB (average over all planes), SSIM
    /// 0…1 (the `All` score), VMAF 0…100 (libvmaf's pooled mean). Identical frames give infinite
    /// PSNR, which the agent reports as `QualityScores.maximumPSNR`.
    public struct QualityScores: Codable, Sendable, Equatable {
        public var psnr: Double?
        public var ssim: Double?
        public var vmaf: Double?

        /// The PSNR reported for identical frames, where ffmpeg prints `inf` (not JSON).
        public static let maximumPSNR = 100.0

        public init(psnr: Double? = nil, ssim: Double? = nil, vmaf: Double? = nil) {
            self.psnr = psnr
            self.ssim = ssim
            self.vmaf = vmaf
        }

        /// The score of `metric`, nil when it was not measured.
        public subscript(metric: QualityMetric) -> Double? {
            switch metric {
            case .psnr: psnr
            case .ssim: ssim
            case .vmaf: vmaf
            }
        }
    }
}
