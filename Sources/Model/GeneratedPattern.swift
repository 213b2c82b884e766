/// The lavfi test sources a generated input may use. Only these names ever reach ffmpeg's
/// `-f lavfi -i`, so a job can never name a filter that reads files (`movie=`, `amovie=`) or
/// chain filters: the enum makes anything else undecodable.
public enum GeneratedPattern: String, WireEnum {
    case testsrc2, testsrc, smptehdbars, smptebars, mandelbrot, rgbtestsrc

    public static let wireKind = "pattern"
}

/// Quality metrics a job may ask for (computed with ffmpeg's `psnr`/`ssim`/`libvmaf` filters
/// against the source after the encode). `vmaf` needs an ffmpeg built with libvmaf: agents
/// advertise the metrics their ffmpeg can measure (`Provenance.qualityMetrics`) and reject a job
/// asking for one it cannot.
public enum QualityMetric: String, WireEnum, Comparable {
    case psnr, ssim, vmaf

    public static let wireKind = "quality metric"

    public static func < (lhs: QualityMetric, rhs: QualityMetric) -> Bool { lhs.rawValue < rhs.rawValue }
}
