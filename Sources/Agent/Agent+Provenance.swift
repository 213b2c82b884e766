import Model
import Support

extension Agent {
    /// This node's provenance now: the probed hardware and ffmpeg build, with the kernel, governor
    /// and turbo read afresh (an operator may change the governor while the agent runs).
    /// What this node can give a job, and the agent's default limits.
    var nodeLimits: NodeLimits {
        NodeLimits(
            hardware: hardware, defaultCPUPercent: config.defaultCPUPercent,
            defaultMemoryMegabytes: config.defaultMemoryMegabytes)
    }

    func currentProvenance() -> Provenance {
        let host = HostFacts.read(procRoot: config.procRoot, sysRoot: config.sysRoot)
        return Provenance(
            hardware: hardware, ffmpegVersion: ffmpegBuild.version, ffmpegConfiguration: ffmpegBuild.configuration,
            kernel: host.kernel, cpuGovernor: host.cpuGovernor, turbo: host.turbo, softwareVersion: Version.current,
            softwareCommit: Version.commit)
    }
}
