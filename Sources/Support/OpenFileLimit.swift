#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`) against what a server needs: one descriptor
/// per client plus a reserve for listeners, epoll/eventfds, stream segments and log files.
public enum OpenFileLimit {
    /// Descriptors a server keeps beside its clients.
    public static let reserve = 1024

    /// The soft limit now; nil when it cannot be read, `UInt64.max` for unlimited.
    public static func current() -> UInt64? {
        var limits = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return nil }
        return UInt64(limits.rlim_cur)  // RLIM_INFINITY is all ones: UInt64.max
    }

    /// A warning when `softLimit` cannot hold `connections` clients plus the reserve; else nil.
    public static func shortfall(softLimit: UInt64, connections: Int) -> String? {
        let needed = UInt64(max(0, connections)) + UInt64(reserve)
        guard softLimit < needed else { return nil }
        return "open-file limit \(softLimit) is below max_connections \(connections) + \(reserve); "
            + "clients past about \(softLimit > UInt64(reserve) ? softLimit - UInt64(reserve) : 0) will be refused "
            + "(raise LimitNOFILE= in the unit or ulimit -n)"
    }

    /// Logs the shortfall, if any, as a warning.
    public static func warnIfShort(connections: Int, logger: Logger) {
        guard let limit = current(), let warning = shortfall(softLimit: limit, connections: connections) else {
            return
        }
        logger.warning(warning, ["nofile": limit, "max_connections": connections])
    }
}
