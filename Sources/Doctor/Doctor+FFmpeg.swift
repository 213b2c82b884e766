import Agent
import Model

extension Doctor {
    /// ffmpeg's version and encoders, then one probe encode per capability through the agent's
    /// `HardwareProbe` (the encoder list proves nothing: Debian's ffmpeg lists h264_nvenc without a
    /// GPU). The cpu capability is needed; a GPU capability that fails is "not present", with
    /// ffmpeg's own error.
    static func ffmpegChecks(_ configuration: DoctorConfiguration) -> [DoctorCheck] {
        // GPUs are the power checks' business: no NVML and no nvidia-smi here.
        let probe = HardwareProbe.probe(
            HardwareProbeConfiguration(
                procRoot: configuration.procRoot, ffmpegPath: configuration.ffmpegPath,
                nvidiaSMIPath: "/nonexistent/nvidia-smi", nvmlLibraryPath: nil,
                timeoutSeconds: configuration.timeoutSeconds))
        guard let version = probe.ffmpegVersion else {
            return [
                DoctorCheck(
                    area: "ffmpeg", name: "ffmpeg", state: .failed,
                    detail: "\(configuration.ffmpegPath) -version did not answer",
                    fix: "install ffmpeg (apt-get install ffmpeg) or pass --ffmpeg PATH")
            ]
        }
        var checks = [DoctorCheck(area: "ffmpeg", name: "ffmpeg", state: .passed, detail: "version \(version)")]
        let probed = Capability.allCases.map { CapabilityProber.probeEncoder($0).rawValue }
        let listed = probed.filter { probe.encoders.contains($0) }
        checks.append(
            DoctorCheck(
                area: "ffmpeg", name: "encoders",
                state: probe.encoders.isEmpty ? .failed : .passed,
                detail: "\(probe.encoders.count) video encoders; of those the probes use: "
                    + (listed.isEmpty ? "none" : listed.joined(separator: ", ")) + " (listed is not proven)"))
        for status in probe.capabilities {
            let needed = status.name == .cpu
            let state: DoctorCheck.State = status.proven ? .passed : needed ? .failed : .notPresent
            let detail = status.proven ? "probe encode succeeded" : "probe encode failed: \(status.error ?? "?")"
            checks.append(
                DoctorCheck(
                    area: "capability", name: status.name.rawValue, state: state, detail: detail,
                    fix: status.proven ? nil : "to rerun it by hand: \(status.probe)"))
        }
        return checks
    }
}
