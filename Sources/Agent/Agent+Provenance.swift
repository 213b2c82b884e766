import Model
import Support

extension Agent {
    /// What this node can give a job, and the agent's default limits.
    var nodeLimits: NodeLimits {
        NodeLimits(
            hardware: hardware, defaultCPUPercent: config.defaultCPUPercent,
            defaultMemoryMegabytes: config.defaultMemoryMegabytes)
    }

    /// This node's provenance now: the probed hardware, ffmpeg build and measurable quality metrics,
    /// with the kernel, governor and turbo read afresh (an operator may change the governor while
    /// the agent runs). ffmpeg's
    /// `configuration:` line (up to 8 KB) goes with results only (`withBuildFlags`): a heartbeat every
    /// few seconds from every node would carry it again and again for nothing.
    func currentProvenance(withBuildFlags: Bool = true) -> Provenance {
        let host = HostFacts.read(procRoot: config.procRoot, sysRoot: config.sysRoot)
        return Provenance(
            hardware: hardware, ffmpegVersion: ffmpegBuild.version,
            ffmpegConfiguration: withBuildFlags ? ffmpegBuild.configuration : nil,
            kernel: host.kernel, cpuGovernor: host.cpuGovernor, turbo: host.turbo, softwareVersion: Version.current,
            softwareCommit: Version.commit, qualityMetrics: qualityMetrics.map(\.rawValue))
    }
}
