#if canImport(Glibc)
    import Glibc
#endif

/// The labelled estimate used when no CPU sensor can be read (docs/energy.md, "When no sensor
/// exists"): CodeCarbon's load curve `P_cpu = TDP · (0.1 + 0.9 · u³)`, with TDP from the user's
/// setting, else 4 W per hardware thread, else 85 W. Results carry `source: estimated` and
/// `model` says which constants were used.
public struct CPUPowerEstimate: Sendable, Equatable {
    /// Where the TDP came from.
    public enum Basis: Sendable, Equatable {
        case configured
        case perThread(threads: Int)
        case fallback
    }

    public static let wattsPerThread = 4.0
    public static let fallbackWatts = 85.0

    public let tdpWatts: Double
    public let basis: Basis

    /// `configuredWatts` wins; else `threads` × 4 W; else 85 W.
    public init(configuredWatts: Double?, threads: Int?) {
        if let configuredWatts, configuredWatts > 0 {
            tdpWatts = configuredWatts
            basis = .configured
        } else if let threads, threads > 0 {
            tdpWatts = Double(threads) * Self.wattsPerThread
            basis = .perThread(threads: threads)
        } else {
            tdpWatts = Self.fallbackWatts
            basis = .fallback
        }
    }

    /// Hardware threads online, for the default.
    public static func onlineThreads() -> Int? {
        let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return count > 0 ? count : nil
    }

    /// Power at utilisation `utilization` (0…1).
    public func watts(utilization: Double) -> Double {
        let load = min(max(utilization, 0), 1)
        return tdpWatts * (0.1 + 0.9 * load * load * load)
    }

    /// `TDP 8 W (4 W × 2 hardware threads) · (0.1 + 0.9 u³), u from /proc/stat`.
    public var modelDescription: String {
        let tdp: String =
            switch basis {
            case .configured: "TDP \(Self.format(tdpWatts)) W (configured)"
            case .perThread(let threads):
                "TDP \(Self.format(tdpWatts)) W (\(Self.format(Self.wattsPerThread)) W × \(threads) hardware threads)"
            case .fallback: "TDP \(Self.format(tdpWatts)) W (default)"
            }
        return "P = \(tdp) · (0.1 + 0.9 u³), u = host CPU utilisation from /proc/stat"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
