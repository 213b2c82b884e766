import Model

/// Finds out what this machine is and which capabilities it can prove (ffmpeg probe encodes in
/// production, fixed answers in tests).
protocol NodeProbe: Sendable {
    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus])
    /// ffmpeg's version and build flags, for provenance; nil each when unknown.
    func ffmpegBuild() -> (version: String?, configuration: String?)
    /// The quality metrics ffmpeg can measure here (`vmaf` only with the `libvmaf` filter).
    func qualityMetrics() -> [QualityMetric]

    /// Proves `capability` again (a withdrawn one, after hardware failures).
    func reprobe(_ capability: Capability) -> CapabilityStatus
}

extension NodeProbe {
    func ffmpegBuild() -> (version: String?, configuration: String?) { (nil, nil) }

    /// By default the metrics every ffmpeg build has.
    func qualityMetrics() -> [QualityMetric] { [.psnr, .ssim] }

    /// By default the whole probe runs again and `capability`'s answer is kept.
    func reprobe(_ capability: Capability) -> CapabilityStatus {
        probe().capabilities.first { $0.name == capability }
            ?? CapabilityStatus(name: capability, proven: false, probe: "", error: "not probed")
    }
}
