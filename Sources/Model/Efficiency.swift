/// The efficiency figures every result carries (ARCHITECTURE §3). Each is nil when it cannot be
/// computed (no positive energy, no frames, zero time, no encoded bytes), never NaN or infinity.
///
/// With P = Σ width × height × frames over the encoded renditions and E the job's total energy
/// in joules (`energy.e_total_j`):
/// - `pixels_per_joule` = P ÷ E
/// - `joules_per_frame` = E ÷ Σ frames
/// - `mbps_per_watt` = delivered Mbit/s ÷ average watts, with delivered Mbit/s =
///   8 × encoded bytes ÷ 10⁶ ÷ wall seconds and average watts = E ÷ wall seconds (so it equals
///   megabits delivered per joule)
/// - `quality_per_joule` = q × P ÷ E: quality-weighted pixels per joule, with q = SSIM (0…1)
///   when SSIM was measured (`quality_basis` `ssim`), else q = PSNR ÷ 50 dB clamped to 0…1
///   (`quality_basis` `psnr`; 50 dB is visually lossless, so better than that earns nothing).
public struct Efficiency: Codable, Sendable, Equatable {
    public var pixelsPerJoule: Double?
    public var joulesPerFrame: Double?
    public var megabitsPerSecondPerWatt: Double?
    public var qualityPerJoule: Double?
    /// Which metric weighted `quality_per_joule`.
    public var qualityBasis: QualityMetric?

    /// PSNR that earns the full weight in `quality_per_joule`.
    public static let fullWeightPSNR = 50.0

    public init(
        pixelsPerJoule: Double? = nil, joulesPerFrame: Double? = nil, megabitsPerSecondPerWatt: Double? = nil,
        qualityPerJoule: Double? = nil, qualityBasis: QualityMetric? = nil
    ) {
        self.pixelsPerJoule = pixelsPerJoule
        self.joulesPerFrame = joulesPerFrame
        self.megabitsPerSecondPerWatt = megabitsPerSecondPerWatt
        self.qualityPerJoule = qualityPerJoule
        self.qualityBasis = qualityBasis
    }

    /// One encoded output: its frame size and the frames written.
    public struct Rendition: Sendable, Equatable {
        public var resolution: Resolution
        public var frames: Int

        public init(resolution: Resolution, frames: Int) {
            self.resolution = resolution
            self.frames = frames
        }
    }

    /// The figures for a job. `encodedBytes` nil (unknown, e.g. a null output that counted
    /// nothing) leaves `mbps_per_watt` nil.
    public static func compute(
        renditions: [Rendition], joules: Double, wallSeconds: Double, encodedBytes: Int64?,
        quality: JobResult.QualityScores?
    ) -> Efficiency {
        // No energy (or none measured) gives no figures: a zero would read as "free".
        guard joules.isFinite, joules > 0 else { return Efficiency() }
        let pixels = renditions.reduce(0.0) { $0 + Double($1.resolution.pixels) * Double(max(0, $1.frames)) }
        let frames = renditions.reduce(0.0) { $0 + Double(max(0, $1.frames)) }
        let averageWatts = ratio(joules, wallSeconds)
        let deliveredMegabits = encodedBytes.flatMap { ratio(8 * Double($0) / 1_000_000, wallSeconds) }
        let weight = pixels > 0 ? qualityWeight(quality) : nil
        let qualityPerJoule = weight.flatMap { ratio($0.value * pixels, joules) }
        return Efficiency(
            pixelsPerJoule: pixels > 0 ? ratio(pixels, joules) : nil,
            joulesPerFrame: ratio(joules, frames),
            megabitsPerSecondPerWatt: deliveredMegabits.flatMap { megabits in
                averageWatts.flatMap { ratio(megabits, $0) }
            },
            qualityPerJoule: qualityPerJoule,
            qualityBasis: qualityPerJoule == nil ? nil : weight?.basis)
    }

    /// `numerator ÷ denominator` when both are finite, the denominator is positive and the
    /// quotient is finite; nil otherwise.
    public static func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        guard numerator.isFinite, denominator.isFinite, denominator > 0 else { return nil }
        let value = numerator / denominator
        return value.isFinite ? value : nil
    }

    private static func qualityWeight(_ scores: JobResult.QualityScores?) -> (value: Double, basis: QualityMetric)? {
        if let ssim = scores?.ssim, !ssim.isNaN { return (min(max(ssim, 0), 1), .ssim) }
        if let psnr = scores?.psnr, !psnr.isNaN { return (min(max(psnr / fullWeightPSNR, 0), 1), .psnr) }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case pixelsPerJoule = "pixels_per_joule"
        case joulesPerFrame = "joules_per_frame"
        case megabitsPerSecondPerWatt = "mbps_per_watt"
        case qualityPerJoule = "quality_per_joule"
        case qualityBasis = "quality_basis"
    }
}
