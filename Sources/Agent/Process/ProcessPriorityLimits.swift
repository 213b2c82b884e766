#if canImport(Glibc)
    import Glibc
#endif

/// The fallback without cgroup v2: a nice value for the CPU share and `RLIMIT_DATA` for memory,
/// applied to the child right after spawn (`setpriority`, `prlimit`; ffmpeg's threads, created
/// later, inherit both).
///
/// Neither caps anything the way cgroups do. nice only weighs the child against other runnable
/// work: alone on the machine it still uses every core (the `-threads ⌈cpu_percent/100⌉` the
/// runner passes is what bounds its parallelism). `RLIMIT_DATA` bounds private writable virtual
/// memory, not resident memory, and encoders reserve far more than they touch: measured here,
/// libx264 1080p holds 738 MB of data for 503 MB resident, libx265 2.4 GB for 664 MB (8 MiB
/// stacks for its ~200 threads). `RLIMIT_AS` would also count the shared libraries and every
/// reservation (3.7 GB for libx265), so it is not used. The data limit is memory_mb × factor +
/// headroom (4× + 512 MiB by default): it stops a runaway allocation without failing an encode
/// whose resident set fits memory_mb.
public enum ProcessPriorityLimits {
    /// The nice value for `cpuPercent` of `cores` cores: 0 for the whole machine, up to 19 for
    /// a sliver (19 × the share left to others, rounded).
    public static func niceValue(cpuPercent: Int, cores: Int) -> Int32 {
        let share = Double(cpuPercent) / Double(100 * max(1, cores))
        return Int32(max(0, min(19, ((1 - share) * 19).rounded())))
    }

    /// `RLIMIT_DATA` in bytes for `memoryMegabytes`.
    public static func dataLimitBytes(memoryMegabytes: Int, configuration: ResourceLimitConfiguration) -> UInt64 {
        UInt64(memoryMegabytes * max(1, configuration.dataLimitFactor) + configuration.dataLimitHeadroomMegabytes)
            * 1024 * 1024
    }

    /// Applies `limits` to `processID`; says what it set, for the log.
    @discardableResult
    public static func apply(
        _ limits: ResourceLimits, to processID: pid_t, configuration: ResourceLimitConfiguration
    ) throws(ProcessError) -> [String] {
        var applied: [String] = []
        if let cpuPercent = limits.cpuPercent {
            let nice = niceValue(cpuPercent: cpuPercent, cores: configuration.cores)
            guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(processID), nice) == 0 else {
                throw ProcessError("setpriority", "pid \(processID)", code: errno)
            }
            applied.append("nice \(nice)")
        }
        if let memoryMegabytes = limits.memoryMegabytes {
            guard let processLimit = GNULibrary.processLimit else {
                throw ProcessError("prlimit", "pid \(processID)", code: ENOSYS)
            }
            let bytes = dataLimitBytes(memoryMegabytes: memoryMegabytes, configuration: configuration)
            var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
            guard processLimit(processID, __rlimit_resource_t(RLIMIT_DATA.rawValue), &limit, nil) == 0 else {
                throw ProcessError("prlimit(RLIMIT_DATA)", "pid \(processID)", code: errno)
            }
            applied.append("RLIMIT_DATA \(bytes)")
        }
        return applied
    }
}
