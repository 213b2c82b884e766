import Model

/// The production probe: procfs, NVML/nvidia-smi and one probe encode per capability
/// (`HardwareProbe`), or the operator's declared capabilities.
struct FFmpegNodeProbe: NodeProbe {
    let configuration: HardwareProbeConfiguration

    func probe() -> (hardware: Hardware, capabilities: [CapabilityStatus]) {
        let report = HardwareProbe.probe(configuration)
        return (report.hardware, report.capabilities)
    }

    func ffmpegBuild() -> (version: String?, configuration: String?) { HardwareProbe.ffmpegBuild(configuration) }

    func qualityMetrics() -> [QualityMetric] { HardwareProbe.qualityMetrics(configuration) }
}
