import Energy
import Model
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Idle power measured just before a job (`settle_s`), with the meter's own sources, so the
/// result can give net energy: `e_net_j = e_total_j − idle_baseline_w × the job's energy window`.
/// Only the domains the job's energy covers count, and each keeps its source's label (an
/// estimated domain gives an estimated baseline). Measured only while the meter follows no job:
/// with another job running the node is not idle, and no baseline (hence no net figure) is given.
struct IdleBaseline: Sendable, Equatable {
    /// Watts per domain over the settle period.
    var watts: [String: Double]

    /// Settles for `seconds`, calling `keepAlive` every few seconds (so JetStream's ack wait does
    /// not expire). Nil when a job ran meanwhile, `stop` said so, or nothing was measured.
    static func measure(
        meter: EnergyMeter, seconds: Double, keepAlive: () -> Void, stop: () -> Bool
    ) -> IdleBaseline? {
        let start = Clock.monotonicNanoseconds()
        meter.sample(now: start)
        let before = meter.totals
        let end = start + UInt64(seconds * 1e9)
        var nextKeepAlive = start + 5_000_000_000
        while Clock.monotonicNanoseconds() < end {
            guard meter.runningJobs.isEmpty, !stop() else { return nil }
            let now = Clock.monotonicNanoseconds()
            if now >= nextKeepAlive {
                keepAlive()
                nextKeepAlive = now + 5_000_000_000
            }
            usleep(UInt32(min(100_000, (end - min(end, now)) / 1000 + 1)))
        }
        let finish = Clock.monotonicNanoseconds()
        meter.sample(now: finish)
        guard meter.runningJobs.isEmpty else { return nil }
        let elapsed = Double(finish - start) / 1e9
        var watts: [String: Double] = [:]
        for (domain, totals) in meter.totals {
            guard let earlier = before[domain], totals.measuredJoules >= earlier.measuredJoules, elapsed > 0 else {
                continue
            }
            watts[domain] = (totals.measuredJoules - earlier.measuredJoules) / elapsed
        }
        return watts.isEmpty ? nil : IdleBaseline(watts: watts)
    }

    /// `report` with `idle_baseline_w` (the baseline of the domains it covers) and `e_net_j`
    /// over its energy window (e_total_j ÷ avg_w, else `wallSeconds`). Unchanged when it covers
    /// no domain the baseline measured.
    func applied(to report: EnergyReport, wallSeconds: Double) -> EnergyReport {
        let covered = report.components.compactMap { watts[$0.domain] }
        guard !covered.isEmpty else { return report }
        let baseline = covered.reduce(0, +)
        let seconds = report.averageWatts > 0 ? report.totalJoules / report.averageWatts : wallSeconds
        var report = report
        report.idleBaselineWatts = baseline
        report.netJoules = report.totalJoules - baseline * seconds
        return report
    }
}
