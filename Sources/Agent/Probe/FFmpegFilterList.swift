import Model

/// What `ffmpeg -hide_banner -filters` says about quality metrics: the table after the legend
/// lists one filter a line (` TS. ssim   VV->V   Calculate the SSIM…`), and a metric is
/// measurable when its filter is there (`libvmaf` only in builds configured `--enable-libvmaf`).
public enum FFmpegFilterList {
    /// The filter that measures each metric.
    public static func filterName(of metric: QualityMetric) -> String {
        switch metric {
        case .psnr, .ssim: metric.rawValue
        case .vmaf: "libvmaf"
        }
    }

    /// Filter names: the second field of each line whose third is a `->` input/output shape.
    public static func filters(_ output: String) -> Set<String> {
        var names = Set<String>()
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[2].contains("->") else { continue }
            names.insert(String(fields[1]))
        }
        return names
    }

    /// The metrics whose filter `ffmpeg -filters` listed, sorted. Nil output (ffmpeg did not
    /// answer) assumes PSNR and SSIM, which every ffmpeg build has, and not VMAF.
    public static func qualityMetrics(_ output: String?) -> [QualityMetric] {
        guard let output else { return [.psnr, .ssim] }
        let listed = filters(output)
        return QualityMetric.allCases.filter { listed.contains(filterName(of: $0)) }.sorted()
    }
}
