/// A quality a job asks its agent to reach (`target_quality`, `ffrtmp submit --target-ssim`): the
/// agent searches the encoder's constant-quality setting (`crf`) by bisection, at most
/// `maximumProbes` encodes of the job's clip, for the cheapest setting whose score is at least
/// `score`, and reports it with every probe (`JobResult.TargetSearch`).
public struct QualityTarget: Codable, Sendable, Equatable {
    public var metric: QualityMetric
    public var score: Double

    /// Encodes one search may run (each encode and its measurement is one probe).
    public static let maximumProbes = 6

    public init(metric: QualityMetric, score: Double) {
        self.metric = metric
        self.score = score
    }

    /// Scores a target may ask for: PSNR 10…99 dB, SSIM 0.1…0.9999, VMAF 1…100.
    public var allowedScores: ClosedRange<Double> {
        switch metric {
        case .psnr: 10...99
        case .ssim: 0.1...0.9999
        case .vmaf: 1...100
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case metric, score
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metric = try container.required(QualityMetric.self, .metric)
        score = try container.required(Double.self, .score)
    }
}

extension JobResult {
    /// How a target-quality job chose its `crf`: every probe in the order run, and the one kept.
    public struct TargetSearch: Codable, Sendable, Equatable {
        /// One encode of the search.
        public struct Probe: Codable, Sendable, Equatable {
            public var crf: Int
            /// The target metric's score; nil when the probe failed.
            public var score: Double?
            /// Joules of the probe's encode; nil without an energy reading.
            public var joules: Double?

            public init(crf: Int, score: Double?, joules: Double?) {
                self.crf = crf
                self.score = score
                self.joules = joules
            }

            enum CodingKeys: String, CodingKey {
                case crf, score
                case joules = "e_total_j"
            }
        }

        public var target: QualityTarget
        public var probes: [Probe]
        /// The chosen setting: the highest `crf` that reached the target, else (`reached` false)
        /// the lowest probed, the best quality found. Nil when no probe gave a score.
        public var crf: Int?
        public var reached: Bool

        public init(target: QualityTarget, probes: [Probe], crf: Int?, reached: Bool) {
            self.target = target
            self.probes = probes
            self.crf = crf
            self.reached = reached
        }

        /// `target_search` when it lists more probes than a search runs or impossible figures.
        public var implausibleField: String? {
            guard probes.count <= QualityTarget.maximumProbes,
                probes.allSatisfy({ $0.crf >= 0 && $0.crf <= 63 && ($0.joules ?? 0) >= 0 && ($0.joules ?? 0).isFinite })
            else { return "target_search" }
            return nil
        }
    }
}
