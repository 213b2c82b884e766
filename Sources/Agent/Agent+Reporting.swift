import Client
import Model
import Support

/// What the agent publishes besides results' content: lifecycle events, heartbeats, telemetry, and
/// results themselves (durably, spooled on disk until the RESULTS stream acknowledges them).
extension Agent {
    /// Publishes a result and waits for the stream's ack; kept in the spool until then.
    func deliver(_ result: JobResult) {
        do {
            try spool.keep(result)
        } catch {
            logger.error("cannot spool result", ["job": result.jobID, "error": "\(error)"])
        }
        publishSpooled(result)
        spool.release(result)
    }

    /// One publish of a spooled result; true when the stream acknowledged it.
    @discardableResult
    func publishSpooled(_ result: JobResult) -> Bool {
        guard let payload = try? MessageCoding.encode(result) else { return false }
        do {
            _ = try jetStream.publish(
                result.subject, payload: payload, msgID: Self.resultMessageID(jobID: result.jobID),
                timeout: .seconds(5), retries: 1)
            spool.remove(result)
            return true
        } catch {
            logger.warning(
                "result not acknowledged yet; kept in the spool", ["job": result.jobID, "error": "\(error)"])
            return false
        }
    }

    /// The de-duplication id of a job's result: one per job, not per attempt, so a job run again
    /// after a lost ack stores no second result (RESULTS drops the re-publish in its duplicate window).
    static func resultMessageID(jobID: String) -> String { "result-\(jobID)" }

    /// The de-duplication id of a lifecycle event: one success per job; other states once per attempt.
    static func eventMessageID(_ event: JobEvent) -> String {
        event.state == .succeeded
            ? "evt-\(event.jobID)-succeeded" : "evt-\(event.jobID)-\(event.state.rawValue)-\(event.attempt ?? 0)"
    }

    /// Publishes a lifecycle event into EVENTS and waits for the stream's ack, trying again through a
    /// leader election for up to `eventWindow`; progress events, superseded every few seconds, go
    /// fire-and-forget. False (logged) when EVENTS did not store it.
    @discardableResult
    func publishEvent(_ event: JobEvent) -> Bool {
        guard let payload = try? MessageCoding.encode(event) else { return false }
        guard event.state != .progress else {
            // Safe to lose: the next progress event (seconds later) or the job's end supersedes it.
            try? connection.publish(event.subject, payload: payload)
            return true
        }
        do {
            try jetStream.publishConfirmed(
                event.subject, payload: payload, msgID: Self.eventMessageID(event),
                within: .seconds(config.eventWindow))
            return true
        } catch {
            logger.error(
                "lifecycle event not stored", ["job": event.jobID, "state": event.state.rawValue, "error": "\(error)"])
            return false
        }
    }

    func publishHeartbeat() {
        let (state, jobs) = lock.withLock { () -> (NodeState, [String]) in
            let state: NodeState
            switch phase {
            case .draining, .aborting, .stopped: state = .draining
            default: state = running.isEmpty ? .available : .busy
            }
            return (state, running.keys.sorted())
        }
        var heartbeat = Heartbeat(
            nodeID: config.nodeID, name: config.displayName, softwareVersion: Version.current, hardware: hardware,
            capabilities: lock.withLock { health.reported(capabilities) }, slotsTotal: config.maxConcurrentJobs,
            slotsBusy: jobs.count, runningJobs: jobs,
            state: state, powerSources: meter.availableSources.compactMap(PowerSource.init(rawValue:)),
            sentAt: Timestamp.nowNanoseconds())
        heartbeat.provenance = currentProvenance(withBuildFlags: false)
        heartbeat.region = config.region
        guard let payload = try? MessageCoding.encode(heartbeat) else { return }
        // Safe to lose: core NATS by design; the next heartbeat (every few seconds) replaces it, and
        // the master marks a node offline only after three missed.
        try? connection.publish(heartbeat.subject, payload: payload)
    }

    /// The reporter thread: heartbeats every `heartbeatInterval`, telemetry every second while
    /// busy (10 s idle), and another try at spooled results every few seconds.
    func runReporter() {
        let telemetry = TelemetryCollector(procRoot: config.procRoot)
        var nextHeartbeat: UInt64 = 0
        var nextTelemetry: UInt64 = 0
        var nextSpoolFlush: UInt64 = 0
        while true {
            let now = Clock.monotonicNanoseconds()
            if now >= nextHeartbeat {
                publishHeartbeat()
                nextHeartbeat = now + UInt64(config.heartbeatInterval * 1e9)
            }
            if now >= nextTelemetry {
                let busy = runningCount > 0
                publishTelemetry(telemetry.sample(jobs: lock.withLock { Array(running.values) }, meter: meter, at: now))
                nextTelemetry = now + UInt64((busy ? config.telemetryBusyInterval : config.telemetryIdleInterval) * 1e9)
            }
            if now >= nextSpoolFlush {
                flushSpool()
                nextSpoolFlush = now + 3_000_000_000
            }
            let wake = min(nextHeartbeat, nextTelemetry, nextSpoolFlush)
            let stop = lock.withLock { () -> Bool in
                if phase == .stopped { return true }
                if running.isEmpty && nextTelemetry > now + UInt64(config.telemetryBusyInterval * 1e9) {
                    // A job may start meanwhile; check again within a busy interval.
                    nextTelemetry = min(nextTelemetry, now + UInt64(config.telemetryBusyInterval * 1e9))
                }
                slotsChanged.wait(untilMonotonicNanoseconds: min(wake, nextTelemetry))
                return phase == .stopped
            }
            if stop { break }
        }
    }

    private func publishTelemetry(_ sample: TelemetrySample) {
        var sample = sample
        sample.nodeID = config.nodeID
        guard let payload = try? MessageCoding.encode(sample) else { return }
        // Safe to lose: core NATS by design; the next sample (a second later) supersedes it, and the
        // master keeps only the newest per node anyway.
        try? connection.publish(sample.subject, payload: payload)
    }

    /// Publishes results left in the spool (from a broker outage or an earlier run).
    func flushSpool() {
        let (results, unreadable) = spool.pending()
        for name in unreadable { logger.error("unreadable spooled result left in place", ["file": name]) }
        for result in results where !publishSpooled(result) { break }
    }
}
