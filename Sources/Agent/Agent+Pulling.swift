import Client
import Fleet
import Model
import Support

/// Pulling jobs: one thread per proven capability takes a free slot, fetches one job from that
/// capability's queue (`JOBS/<capability>`), and hands it to a job thread.
extension Agent {
    func pullJobs(for capability: Capability) {
        let consumer = FleetTopology.jobConsumer(capability.rawValue)
        var subscription: PullSubscription?
        var warned: Bool?
        while reserveSlot() {
            if subscription == nil {
                do {
                    subscription = try jetStream.pullSubscribe(stream: FleetTopology.jobsStream, consumer: consumer)
                    logger.info("pulling jobs", ["queue": "\(FleetTopology.jobsStream)/\(consumer)"])
                    warned = nil
                } catch {
                    let missing = jetStream.diagnose(error, stream: FleetTopology.jobsStream).isMissingStreamOrConsumer
                    if warned != missing {
                        // Said once per kind: a missing queue needs `ffrtmp setup`; a leaderless one only time.
                        logger.error(
                            missing
                                ? "job queue missing (run `ffrtmp setup` against the broker); retrying"
                                : "job queue temporarily unavailable (leader election); retrying",
                            ["queue": "\(FleetTopology.jobsStream)/\(consumer)", "error": "\(error)"])
                        warned = missing
                    }
                    releaseSlot()
                    pause(seconds: 2)
                    continue
                }
            }
            let messages: [JetStreamMessage]
            do {
                messages = try subscription!.fetch(batch: 1, expires: .seconds(2))
            } catch {
                releaseSlot()
                logger.debug("fetch failed", ["queue": consumer, "error": "\(error)"])
                if case .timeout = error { continue }
                pause(seconds: 1)
                continue
            }
            guard let message = messages.first else {
                releaseSlot()
                continue
            }
            guard isPulling else {
                // A pull that was waiting when draining began: hand the job straight back (no
                // delay) so another agent runs it, rather than starting it while stopping.
                settle(message, .nak(delay: nil), jobID: "stream-seq-\(message.metadata.streamSequence)", within: 5)
                logger.info(
                    "job handed back: draining", ["queue": consumer, "stream_seq": message.metadata.streamSequence])
                releaseSlot()
                continue
            }
            startThread("job") { [self] in
                runJob(message, pulledFrom: capability)
                releaseSlot()
            }
        }
    }

    /// Waits for a free slot and takes it; false once the agent stops pulling.
    func reserveSlot() -> Bool {
        lock.withLock {
            while phase == .running || phase == .starting {
                if reservedSlots < config.maxConcurrentJobs {
                    reservedSlots += 1
                    return true
                }
                slotsChanged.wait(untilMonotonicNanoseconds: Clock.monotonicNanoseconds() + 1_000_000_000)
            }
            return false
        }
    }

    /// Whether the agent still takes jobs (not draining, aborting or stopped).
    var isPulling: Bool { lock.withLock { phase == .running || phase == .starting } }

    func releaseSlot() {
        lock.withLock {
            reservedSlots -= 1
            slotsChanged.broadcast()
        }
    }

    /// Sleeps, waking early when the agent starts stopping.
    func pause(seconds: Double) {
        lock.withLock {
            let deadline = Clock.monotonicNanoseconds() + UInt64(seconds * 1e9)
            while phase == .running && Clock.monotonicNanoseconds() < deadline {
                slotsChanged.wait(untilMonotonicNanoseconds: deadline)
            }
        }
    }
}
