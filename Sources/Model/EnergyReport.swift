/// What a result records about the energy one job used, per measured component (CPU package,
/// DRAM, each GPU), so a user can tell a measured 1 % figure from a rough estimate. Field names
/// are the JSON names in `protocol/schemas/result.json`; see docs/energy.md for the method.
public struct EnergyReport: Codable, Sendable, Equatable {
    /// One component's energy over the job.
    public struct Component: Codable, Sendable, Equatable {
        /// `package`, `dram`, `psys`, `gpu0`, `gpu1`, … or `cpu` for an estimate.
        public var domain: String
        /// How it was measured.
        public var source: Source
        /// Zone names or GPU model the figure came from (e.g. `["package-0", "package-1"]`).
        public var zones: [String]
        /// Counter ranges (µJ) of the zones, for RAPL; empty otherwise.
        public var rangesMicrojoules: [UInt64]
        /// Samples taken during the job, and the mean and longest interval between them (s).
        public var samples: Int
        public var meanIntervalSeconds: Double
        public var maxIntervalSeconds: Double
        /// Measured seconds ÷ job wall seconds.
        public var coverage: Double
        /// Counter wrap-arounds handled, and intervals dropped as gaps (unknown range, driver reload).
        public var wraps: Int
        public var gaps: Int
        /// Energy attributed to the job: total = dynamic + idle share (J).
        public var totalJoules: Double
        public var dynamicJoules: Double
        public var idleJoules: Double
        public var averageWatts: Double
        public var peakWatts: Double
        /// How the component's energy was split between concurrent jobs, and how idle power was handled.
        public var attribution: String
        /// For an estimate: the model and its constants, e.g. `TDP 85 W · (0.1 + 0.9 u³)`.
        public var model: String?
        /// For a GPU: model name and driver version.
        public var device: String?
        public var driver: String?
        /// Seconds of the job (alive share) that fell in gaps, when there were any: the part of
        /// `1 − coverage` the meter knows it missed.
        public var gapSeconds: Double?
        /// For RAPL: seconds lost per zone name because its counter was read later than its safe
        /// interval (`max_energy_range_uj` ÷ plausible maximum power); absent when none.
        public var lateZoneSeconds: [String: Double]?

        public init(
            domain: String, source: Source, zones: [String] = [], rangesMicrojoules: [UInt64] = [],
            samples: Int = 0, meanIntervalSeconds: Double = 0, maxIntervalSeconds: Double = 0,
            coverage: Double = 0, wraps: Int = 0, gaps: Int = 0, totalJoules: Double = 0,
            dynamicJoules: Double = 0, idleJoules: Double = 0, averageWatts: Double = 0,
            peakWatts: Double = 0, attribution: String = "", model: String? = nil,
            device: String? = nil, driver: String? = nil, gapSeconds: Double? = nil,
            lateZoneSeconds: [String: Double]? = nil
        ) {
            self.domain = domain
            self.source = source
            self.zones = zones
            self.rangesMicrojoules = rangesMicrojoules
            self.samples = samples
            self.meanIntervalSeconds = meanIntervalSeconds
            self.maxIntervalSeconds = maxIntervalSeconds
            self.coverage = coverage
            self.wraps = wraps
            self.gaps = gaps
            self.totalJoules = totalJoules
            self.dynamicJoules = dynamicJoules
            self.idleJoules = idleJoules
            self.averageWatts = averageWatts
            self.peakWatts = peakWatts
            self.attribution = attribution
            self.model = model
            self.device = device
            self.driver = driver
            self.gapSeconds = gapSeconds
            self.lateZoneSeconds = lateZoneSeconds
        }

        enum CodingKeys: String, CodingKey {
            case domain, source, zones, samples, coverage, wraps, gaps, attribution, model, device, driver
            case rangesMicrojoules = "ranges_uj"
            case meanIntervalSeconds = "mean_interval_s"
            case maxIntervalSeconds = "max_interval_s"
            case totalJoules = "e_total_j"
            case dynamicJoules = "e_dyn_j"
            case idleJoules = "e_idle_j"
            case averageWatts = "avg_w"
            case peakWatts = "peak_w"
            case gapSeconds = "gap_s"
            case lateZoneSeconds = "late_zones_s"
        }
    }

    /// Where a figure came from.
    public enum Source: String, Codable, Sendable {
        case rapl
        case nvmlEnergy = "nvml-energy"
        case nvmlPower = "nvml-power"
        case nvidiaSMI = "nvidia-smi"
        case estimated
        /// A component that exists but could not be read (e.g. a GPU with no power reading):
        /// reported, never counted as 0.
        case notMeasured = "not-measured"
    }

    public var components: [Component]
    /// Σ total joules of the measured (and estimated) components.
    public var totalJoules: Double
    public var dynamicJoules: Double
    /// The weakest source among the components that count: `estimated` if any is estimated.
    public var source: Source
    /// Joules per frame (total and dynamic-only) and frames per joule; nil without frames.
    public var joulesPerFrame: Double?
    public var dynamicJoulesPerFrame: Double?
    public var framesPerJoule: Double?
    public var averageWatts: Double
    public var peakWatts: Double
    /// Optional idle baseline (`settle` before the job): idle watts and energy net of idle.
    public var idleBaselineWatts: Double?
    public var netJoules: Double?

    public init(
        components: [Component], totalJoules: Double, dynamicJoules: Double, source: Source,
        joulesPerFrame: Double? = nil, dynamicJoulesPerFrame: Double? = nil, framesPerJoule: Double? = nil,
        averageWatts: Double = 0, peakWatts: Double = 0, idleBaselineWatts: Double? = nil,
        netJoules: Double? = nil
    ) {
        self.components = components
        self.totalJoules = totalJoules
        self.dynamicJoules = dynamicJoules
        self.source = source
        self.joulesPerFrame = joulesPerFrame
        self.dynamicJoulesPerFrame = dynamicJoulesPerFrame
        self.framesPerJoule = framesPerJoule
        self.averageWatts = averageWatts
        self.peakWatts = peakWatts
        self.idleBaselineWatts = idleBaselineWatts
        self.netJoules = netJoules
    }

    enum CodingKeys: String, CodingKey {
        case components, source
        case totalJoules = "e_total_j"
        case dynamicJoules = "e_dyn_j"
        case joulesPerFrame = "j_per_frame"
        case dynamicJoulesPerFrame = "j_dyn_per_frame"
        case framesPerJoule = "frames_per_j"
        case averageWatts = "avg_w"
        case peakWatts = "peak_w"
        case idleBaselineWatts = "idle_baseline_w"
        case netJoules = "e_net_j"
    }
}
