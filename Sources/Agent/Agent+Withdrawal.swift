import Model
import Support

/// Withdrawing broken hardware: after repeated hardware failures on a capability its pull thread
/// stops pulling, the heartbeat says why, and the capability is re-probed with back-off until a
/// probe passes (`CapabilityHealth`).
extension Agent {
    /// Counts a job's outcome towards (or against) withdrawing its capability.
    func noteHardwareHealth(_ capability: Capability, _ outcome: ExecutionOutcome) {
        let succeeded = outcome.status == .succeeded
        guard succeeded || outcome.status == .failed else { return }
        let hardwareError = outcome.error.flatMap { HardwareFailure.isHardwareFailure($0) ? $0 : nil }
        let withdrawn = lock.withLock {
            health.noteJob(
                capability, succeeded: succeeded, hardwareError: hardwareError, now: Clock.monotonicNanoseconds())
        }
        guard withdrawn else { return }
        logger.error(
            "capability withdrawn after repeated hardware failures; re-probing with back-off",
            [
                "capability": capability.rawValue, "failures": config.withdrawAfterHardwareFailures,
                "error": hardwareError ?? "",
            ])
        publishHeartbeat()
    }

    /// For a pull thread: true while `capability` is withdrawn (the thread pulls nothing), after
    /// running its probe when one is due.
    func isWithdrawnAfterProbing(_ capability: Capability) -> Bool {
        let due = lock.withLock { () -> Bool? in
            guard health.isWithdrawn(capability) else { return nil }
            return health.isProbeDue(capability, now: Clock.monotonicNanoseconds())
        }
        guard let due else { return false }
        guard due else { return true }
        let status = nodeProbe.reprobe(capability)
        lock.withLock { health.noteProbe(capability, passed: status.proven, now: Clock.monotonicNanoseconds()) }
        if status.proven {
            logger.info("capability probe passed; pulling again", ["capability": capability.rawValue])
        } else {
            logger.warning(
                "capability probe failed; still withdrawn",
                ["capability": capability.rawValue, "error": status.error ?? ""])
        }
        publishHeartbeat()
        return !status.proven
    }
}
