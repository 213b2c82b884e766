import Client
import Fleet
import Model
import Support

/// Pulling jobs: one thread per proven capability takes a free slot, asks without waiting the
/// node's own queue (`JOBS/<node id>`, jobs sent to this node alone) and the capability's priority
/// queues in `PriorityOrder` (`JOBS/<capability>-high`, `JOBS/<capability>`,
/// `JOBS/<capability>-batch`), then waits on the normal queue, and hands the job it got to a job
/// thread.
extension Agent {
    func pullJobs(for capability: Capability) {
        let shared = JobQueue.capability(capability, .normal)
        var subscription: PullSubscription?
        var polled = [PolledQueue(.node(config.nodeID))]
        polled += [PriorityClass.high, .batch].map { PolledQueue(.capability(capability, $0)) }
        var order = PriorityOrder()
        var warned: Bool?
        while reserveSlot() {
            if isWithdrawnAfterProbing(capability) {
                releaseSlot()
                pause(seconds: 0.5)
                continue
            }
            if subscription == nil {
                do {
                    subscription = try jetStream.pullSubscribe(
                        stream: FleetTopology.jobsStream, consumer: shared.consumer)
                    logger.info("pulling jobs", ["queue": "\(FleetTopology.jobsStream)/\(shared.consumer)"])
                    warned = nil
                } catch {
                    warnOnce(about: error, queue: shared, warned: &warned)
                    releaseSlot()
                    pause(seconds: 2)
                    continue
                }
            }
            var pulled: (JetStreamMessage, JobQueue)?
            do {
                let asked = [JobQueue.node(config.nodeID)] + order.classes.map { JobQueue.capability(capability, $0) }
                for queue in asked where pulled == nil {
                    if queue == shared {
                        pulled = try subscription!.fetch(batch: 1, noWait: true).first.map { ($0, queue) }
                    } else if let index = polled.firstIndex(where: { $0.queue == queue }) {
                        pulled = polled[index].poll(self).map { ($0, queue) }
                    }
                }
                if pulled == nil {
                    pulled = try subscription!.fetch(batch: 1, expires: .seconds(2)).first.map { ($0, shared) }
                }
            } catch {
                releaseSlot()
                logger.debug("fetch failed", ["queue": shared.consumer, "error": "\(error)"])
                if case .timeout = error { continue }
                pause(seconds: 1)
                continue
            }
            guard let (message, queue) = pulled else {
                releaseSlot()
                continue
            }
            guard isPulling else {
                // A pull that was waiting when draining began: hand the job straight back (no
                // delay) so another agent runs it, rather than starting it while stopping.
                settle(message, .nak(delay: nil), jobID: "stream-seq-\(message.metadata.streamSequence)", within: 5)
                logger.info(
                    "job handed back: draining",
                    ["queue": queue.consumer, "stream_seq": message.metadata.streamSequence])
                releaseSlot()
                continue
            }
            if case .capability(_, let priority) = queue { order.took(priority) }
            startThread("job") { [self] in
                runJob(message, pulledFrom: queue)
                releaseSlot()
            }
        }
    }

    /// Says once per kind why a queue cannot be pulled: a missing queue needs `ffrtmp setup`; a
    /// leaderless one only time.
    func warnOnce(about error: JetStreamError, queue: JobQueue, warned: inout Bool?) {
        let missing = jetStream.diagnose(error, stream: FleetTopology.jobsStream).isMissingStreamOrConsumer
        guard warned != missing else { return }
        logger.error(
            missing
                ? "job queue missing (run `ffrtmp setup` against the broker); retrying"
                : "job queue temporarily unavailable (leader election); retrying",
            ["queue": "\(FleetTopology.jobsStream)/\(queue.consumer)", "error": "\(error)"])
        warned = missing
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
