/// A telemetry sample on `metrics.<node id>`: each second while jobs run, every 10 s idle.
public struct TelemetrySample: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    public var nodeID: String
    /// Monotonic clock, nanoseconds: intervals between samples of one node.
    public var monotonicNanoseconds: Int64
    /// Wall clock, Unix nanoseconds: when, for people and charts.
    public var sentAt: Int64
    /// Host CPU use, percent of all hardware threads (0…100).
    public var cpuPercent: Double
    public var memoryUsedMegabytes: Int
    public var memoryTotalMegabytes: Int
    /// Power right now by domain (`package`, `dram`, `gpu0`…).
    public var power: [PowerReading]
    /// One entry per running job.
    public var jobs: [JobProgress]
    /// Each NVIDIA GPU's state at its latest reading; nil on a node without one (or an older agent).
    public var gpus: [GPUState]?

    public init(
        nodeID: String, monotonicNanoseconds: Int64, sentAt: Int64, cpuPercent: Double, memoryUsedMegabytes: Int,
        memoryTotalMegabytes: Int, power: [PowerReading] = [], jobs: [JobProgress] = []
    ) {
        self.nodeID = nodeID
        self.monotonicNanoseconds = monotonicNanoseconds
        self.sentAt = sentAt
        self.cpuPercent = cpuPercent
        self.memoryUsedMegabytes = memoryUsedMegabytes
        self.memoryTotalMegabytes = memoryTotalMegabytes
        self.power = power
        self.jobs = jobs
    }

    /// `metrics.<node id>`.
    public var subject: String { Subjects.metrics(nodeID: nodeID) }

    enum CodingKeys: String, CodingKey {
        case power, jobs, gpus
        case messageVersion = "v"
        case nodeID = "node_id"
        case monotonicNanoseconds = "monotonic_ns"
        case sentAt = "sent_at"
        case cpuPercent = "cpu_percent"
        case memoryUsedMegabytes = "mem_used_mb"
        case memoryTotalMegabytes = "mem_total_mb"
    }

    /// Power of one domain over the last interval.
    public struct PowerReading: Codable, Sendable, Equatable {
        public var domain: String
        public var watts: Double
        public var source: EnergyReport.Source

        public init(domain: String, watts: Double, source: EnergyReport.Source) {
            self.domain = domain
            self.watts = watts
            self.source = source
        }
    }

    /// One GPU as nvidia-smi last read it; a value it does not report is nil, never 0.
    public struct GPUState: Codable, Sendable, Equatable {
        public var index: Int
        public var temperatureCelsius: Double?
        public var memoryUsedMegabytes: Double?
        /// Percent busy of the NVENC and NVDEC units.
        public var encoderPercent: Double?
        public var decoderPercent: Double?

        public init(
            index: Int, temperatureCelsius: Double? = nil, memoryUsedMegabytes: Double? = nil,
            encoderPercent: Double? = nil, decoderPercent: Double? = nil
        ) {
            self.index = index
            self.temperatureCelsius = temperatureCelsius
            self.memoryUsedMegabytes = memoryUsedMegabytes
            self.encoderPercent = encoderPercent
            self.decoderPercent = decoderPercent
        }

        enum CodingKeys: String, CodingKey {
            case index
            case temperatureCelsius = "temperature_c"
            case memoryUsedMegabytes = "memory_used_mb"
            case encoderPercent = "encoder_percent"
            case decoderPercent = "decoder_percent"
        }
    }

    /// A running job as ffmpeg's `-progress` output and /proc describe it. Values ffmpeg
    /// prints as `N/A` are nil.
    public struct JobProgress: Codable, Sendable, Equatable {
        public var id: String
        public var frame: Int
        public var fps: Double
        public var speed: Double?
        public var bitrateKilobits: Double?
        /// CPU use of the job's process tree, percent of one core.
        public var cpuPercent: Double
        public var residentMegabytes: Double
        /// Seconds of output written so far.
        public var outputSeconds: Double
        /// Fraction done, 0…1, when the duration is known.
        public var progress: Double?

        public init(
            id: String, frame: Int, fps: Double, speed: Double? = nil, bitrateKilobits: Double? = nil,
            cpuPercent: Double, residentMegabytes: Double, outputSeconds: Double, progress: Double? = nil
        ) {
            self.id = id
            self.frame = frame
            self.fps = fps
            self.speed = speed
            self.bitrateKilobits = bitrateKilobits
            self.cpuPercent = cpuPercent
            self.residentMegabytes = residentMegabytes
            self.outputSeconds = outputSeconds
            self.progress = progress
        }

        enum CodingKeys: String, CodingKey {
            case id, frame, fps, speed, progress
            case bitrateKilobits = "bitrate_kbps"
            case cpuPercent = "cpu_percent"
            case residentMegabytes = "rss_mb"
            case outputSeconds = "out_time_s"
        }
    }
}
