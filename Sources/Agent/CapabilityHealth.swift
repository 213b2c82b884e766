import Model

/// Which capabilities this agent has withdrawn after repeated hardware failures, and when each is
/// re-probed: after `threshold` hardware failures in a row on a capability the agent stops pulling
/// it; a probe is due after `baseDelay`, doubling after each failed probe up to `maximumDelay`; a
/// passing probe (or a job that succeeds) gives it back. Pure: time is passed in (monotonic ns).
struct CapabilityHealth: Sendable {
    /// Longest error kept (the heartbeat carries it).
    static let maximumReasonLength = 300

    /// A withdrawn capability.
    struct Withdrawal: Sendable, Equatable {
        /// ffmpeg's error, at most `maximumReasonLength` characters.
        var reason: String
        var probeDueAt: UInt64
        /// The wait before the next probe after this one fails.
        var nextDelay: UInt64
    }

    let threshold: Int
    let baseDelay: UInt64
    let maximumDelay: UInt64
    private(set) var consecutiveFailures: [Capability: Int] = [:]
    private(set) var withdrawals: [Capability: Withdrawal] = [:]

    init(threshold: Int, baseDelaySeconds: Double, maximumDelaySeconds: Double) {
        self.threshold = max(1, threshold)
        baseDelay = UInt64(max(0, baseDelaySeconds) * 1e9)
        maximumDelay = max(baseDelay, UInt64(max(0, maximumDelaySeconds) * 1e9))
    }

    func isWithdrawn(_ capability: Capability) -> Bool { withdrawals[capability] != nil }

    /// Whether a withdrawn capability's probe is due.
    func isProbeDue(_ capability: Capability, now: UInt64) -> Bool {
        withdrawals[capability].map { now >= $0.probeDueAt } ?? false
    }

    /// Notes how a job on `capability` ended; true when this failure withdrew it.
    mutating func noteJob(_ capability: Capability, succeeded: Bool, hardwareError: String?, now: UInt64) -> Bool {
        if succeeded {
            consecutiveFailures[capability] = 0
            return false
        }
        guard let hardwareError, !isWithdrawn(capability) else { return false }
        let failures = (consecutiveFailures[capability] ?? 0) + 1
        consecutiveFailures[capability] = failures
        guard failures >= threshold else { return false }
        withdrawals[capability] = Withdrawal(
            reason: String(hardwareError.prefix(Self.maximumReasonLength)), probeDueAt: now + baseDelay,
            nextDelay: min(maximumDelay, baseDelay * 2))
        return true
    }

    /// Notes a re-probe's outcome: a pass gives the capability back; a failure waits longer.
    mutating func noteProbe(_ capability: Capability, passed: Bool, now: UInt64) {
        guard var withdrawal = withdrawals[capability] else { return }
        if passed {
            withdrawals[capability] = nil
            consecutiveFailures[capability] = 0
            return
        }
        withdrawal.probeDueAt = now + withdrawal.nextDelay
        withdrawal.nextDelay = min(maximumDelay, withdrawal.nextDelay * 2)
        withdrawals[capability] = withdrawal
    }

    /// `statuses` as the heartbeat tells them: a withdrawn capability unproven, with its reason.
    func reported(_ statuses: [CapabilityStatus]) -> [CapabilityStatus] {
        statuses.map { status in
            guard let withdrawal = withdrawals[status.name] else { return status }
            var reported = status
            reported.proven = false
            reported.error = withdrawal.reason
            reported.withdrawn = true
            return reported
        }
    }
}
