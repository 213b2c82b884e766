import Model

/// Which energy a summary compares: everything the job's domains used (gross, `e_total_j`), or that
/// less the idle baseline measured before it (net, `e_net_j`; only results of jobs submitted with
/// `--settle` have one, and the others count as missing figures).
public enum EnergyBasis: String, Sendable, CaseIterable {
    case gross, net
}

/// Succeeded results grouped by configuration × hardware, with the statistics of each figure.
/// Results with different configuration keys or on different nodes (whose `HardwareKey` differ)
/// are never averaged together.
public struct CampaignSummary: Sendable {
    /// One configuration on one node's hardware.
    public struct Row: Sendable {
        public var configurationKey: String
        /// The configuration's JSON (`ConfigurationJSON`).
        public var configuration: String
        public var hardware: HardwareKey
        /// Succeeded results in the group.
        public var count: Int
        public var scenario: String?
        public var encoder: String?
        public var fps: SampleStatistics?
        public var joulesPerFrame: SampleStatistics?
        /// Mean power of each encode: its joules over its wall seconds.
        public var watts: SampleStatistics?
        public var psnr: SampleStatistics?
        public var ssim: SampleStatistics?
        public var vmaf: SampleStatistics?
        public var energyJoules: SampleStatistics?
        public var wallSeconds: SampleStatistics?
        /// Totals over the group.
        public var usd: Double?
        public var co2Grams: Double?
        /// Comma-separated, sorted.
        public var energySources: String?
        /// Whether `joulesPerFrame`, `watts` and `energyJoules` are gross or net figures.
        public var energyBasis = EnergyBasis.gross
        /// The group's gross energy per region its results named (nil region: none named; nil joules:
        /// a result without measured energy), which the master prices when the summary is read.
        public var regionEnergy: [(region: String?, joules: Double?)] = []

        public init(configurationKey: String, configuration: String = "{}", hardware: HardwareKey, count: Int) {
            self.configurationKey = configurationKey
            self.configuration = configuration
            self.hardware = hardware
            self.count = count
        }

        /// The mean of `metric`'s scores in the group; nil when none was measured.
        public func quality(_ metric: QualityMetric) -> SampleStatistics? {
            switch metric {
            case .psnr: psnr
            case .ssim: ssim
            case .vmaf: vmaf
            }
        }

        /// Joules per frame per quality point, for each metric the group has scores of: mean J/frame
        /// divided by the metric's mean score (J/frame per dB of PSNR, per unit of SSIM, per VMAF
        /// point). Lower is better; only comparable between rows for the same metric. A metric
        /// without scores, or whose mean is not above zero, has no entry: missing, never zero.
        public var joulesPerQualityPoint: [QualityMetric: Double] {
            guard let perFrame = joulesPerFrame?.mean, perFrame.isFinite else { return [:] }
            var figures: [QualityMetric: Double] = [:]
            for metric in QualityMetric.allCases {
                guard let score = quality(metric)?.mean, score.isFinite, score > 0 else { continue }
                figures[metric] = perFrame / score
            }
            return figures
        }
    }

    /// In configuration key, then hardware key order.
    public let rows: [Row]

    public init(_ rows: [Row]) {
        self.rows = rows.sorted {
            ($0.configurationKey, $0.hardware.key) < ($1.configurationKey, $1.hardware.key)
        }
    }
}
