import Model

/// Finds out what this machine is and which capabilities it can prove (ffmpeg probe encodes in
/// production, fixed answers in tests).
protocol NodeProbe: Sendable {
    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus])
    /// ffmpeg's version and build flags, for provenance; nil each when unknown.
    func ffmpegBuild() -> (version: String?, configuration: String?)
}

extension NodeProbe {
    func ffmpegBuild() -> (version: String?, configuration: String?) { (nil, nil) }
}
