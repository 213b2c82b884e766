import Model

/// Reads the summary lines ffmpeg's `ssim`, `psnr` and `libvmaf` filters log at the end (level
/// info): `[Parsed_ssim_4 @ 0x…] SSIM Y:0.99 (20.1) U:… V:… All:0.987654 (19.08)`,
/// `[Parsed_psnr_5 @ 0x…] PSNR y:40.1 u:… v:… average:38.2 min:… max:…` and
/// `[Parsed_libvmaf_6 @ 0x…] VMAF score: 93.170000` (libvmaf's pooled mean over all frames). PSNR
/// is `inf` for identical frames, reported as `QualityScores.maximumPSNR`.
public struct QualityLogParser: Sendable {
    public private(set) var scores = JobResult.QualityScores()

    public init() {}

    /// Reads one stderr line.
    public mutating func read(line: String) {
        if line.contains("] SSIM "), let value = Self.value(after: "All:", in: line) {
            scores.ssim = Double(value)
        } else if line.contains("] PSNR "), let value = Self.value(after: "average:", in: line) {
            scores.psnr = value == "inf" ? JobResult.QualityScores.maximumPSNR : Double(value)
        } else if line.contains("] VMAF score: "), let value = Self.value(after: "VMAF score: ", in: line) {
            scores.vmaf = Double(value).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    private static func value(after label: String, in line: String) -> Substring? {
        guard let range = line.firstRange(of: label) else { return nil }
        return line[range.upperBound...].prefix { $0 != " " }
    }
}
