import Client
import Energy
import Fleet
import Model
import Support

/// One job's life on this agent: validate, check for a cancellation, run, measure, report, and
/// settle the JetStream message (+ACK, -NAK with back-off, or +TERM), each confirmed by the server.
extension Agent {
    func runJob(_ message: JetStreamMessage, pulledFrom queue: JobQueue) {
        let attempt = max(1, message.metadata.deliveryCount)
        let queuedAt = message.metadata.timestamp
        let spec: JobSpec
        switch validator.validate(message: message.payload) {
        case .failure(let rejection):
            reject(message, rejection, attempt: attempt, queuedAt: queuedAt)
            return
        case .success(let valid):
            spec = valid
        }
        if let rejection = misrouting(of: spec, pulledFrom: queue) {
            reject(message, rejection, attempt: attempt, queuedAt: queuedAt)
            return
        }
        if let rejection = nodeLimits.refusal(of: spec) ?? qualityRefusal(of: spec) {
            reject(message, rejection, attempt: attempt, queuedAt: queuedAt)
            return
        }
        if attempt > 1,
            case .succeeded(let earlier) = earlierAttempt(of: spec.id, attempt: attempt, queuedAt: queuedAt)
        {
            // An earlier delivery succeeded but its ack was lost: settle it, run nothing again.
            logger.warning(
                "job already succeeded; acknowledged without running it again",
                ["job": spec.id, "attempt": attempt, "succeeded_on": earlier.nodeID ?? "-"])
            settle(message, .ack, jobID: spec.id)
            return
        }
        if wasCancelledBeforeStart(spec.id) {
            finish(
                spec: spec, message: message, attempt: attempt, queuedAt: queuedAt,
                outcome: ExecutionOutcome(status: .cancelled), energy: nil)
            return
        }
        execute(nodeLimits.applyingDefaults(to: spec), message: message, attempt: attempt, queuedAt: queuedAt)
    }

    /// Why a job on `queue` is not this agent's to run: on a capability queue, an encoder of another
    /// capability; on the node's queue, a capability this node did not prove.
    private func misrouting(of spec: JobSpec, pulledFrom queue: JobQueue) -> JobRejection? {
        let needed = spec.capability.rawValue
        switch queue {
        case .capability(let capability, _) where spec.capability != capability:
            return JobRejection(
                field: "encoder",
                reason: "encoder \(spec.encoder.rawValue) needs capability \(needed) "
                    + "but the job was queued on \(Subjects.job(capability))", jobID: spec.id)
        case .node(let nodeID) where !capabilities.contains(where: { $0.name == spec.capability && $0.proven }):
            return JobRejection(
                field: "encoder",
                reason: "encoder \(spec.encoder.rawValue) needs capability \(needed), "
                    + "which node \(nodeID) has not proven", jobID: spec.id)
        default:
            return nil
        }
    }

    /// Why this node cannot measure the quality `spec` asks for: a metric whose ffmpeg filter its
    /// ffmpeg lacks (`vmaf` without libvmaf). Rejected rather than run without it, so no result
    /// ever lacks a score its job asked for.
    func qualityRefusal(of spec: JobSpec) -> JobRejection? {
        let missing = spec.quality.subtracting(qualityMetrics).sorted()
        guard !missing.isEmpty else { return nil }
        let names = missing.map(\.rawValue).joined(separator: ", ")
        let filters = missing.map(FFmpegFilterList.filterName).joined(separator: ", ")
        let hint = missing.contains(.vmaf) ? " (vmaf needs an ffmpeg configured with --enable-libvmaf)" : ""
        return JobRejection(
            field: "quality",
            reason: "node \(config.nodeID) cannot measure \(names): its ffmpeg has no \(filters) filter\(hint)",
            jobID: spec.id)
    }

    private func execute(_ spec: JobSpec, message: JetStreamMessage, attempt: Int, queuedAt: Int64?) {
        let jobID = spec.id
        let gpu = spec.capability == .nvenc ? gpuSlots.claim(jobID, among: hardware.gpus.map(\.index)) : nil
        defer { gpuSlots.release(jobID) }
        let gpus: Set<Int> = gpu.map { [$0] } ?? []
        let control = ExecutionControl(
            started: { [self] pid, controlGroupPath in
                lock.withLock { running[jobID]?.processID = pid }
                meter.begin(
                    jobID: jobID, processID: pid, cgroupPath: controlGroupPath, gpus: gpus,
                    at: Clock.monotonicNanoseconds())
            },
            progressed: { [self] snapshot in reportProgress(snapshot, of: spec, message: message, attempt: attempt) },
            encodeEnded: { [self] cpuSeconds in
                let report = meter.end(jobID: jobID, at: Clock.monotonicNanoseconds(), cpuSeconds: cpuSeconds)
                lock.withLock { running[jobID]?.energy = report }
                return report
            },
            keepOutput: { [self] path in keepOutput(path, of: spec) }, gpu: gpu)
        let job = RunningJob(
            spec: spec, message: message, control: control, attempt: attempt, startedAt: Timestamp.nowNanoseconds())
        lock.withLock { running[jobID] = job }
        let throttleWatch = JobThrottleWatch(
            sysRoot: config.sysRoot, nvidiaSMIPath: config.nvidiaSMIPath, gpus: gpus)
        publishEvent(
            JobEvent(jobID: jobID, nodeID: config.nodeID, state: .started, at: job.startedAt, attempt: attempt))
        logger.info("job started", ["job": jobID, "attempt": attempt, "encoder": spec.encoder.rawValue])
        // Fetched before the idle baseline, so the download is not measured as idle power.
        let prepared = Result { () throws(ObjectStoreError) in try fetchingClip(of: spec, message: message) }
        let baseline = spec.settleSeconds.flatMap { seconds in
            IdleBaseline.measure(
                meter: meter, seconds: seconds, keepAlive: { try? message.inProgress() },
                stop: { control.isCancelled })
        }
        if spec.settleSeconds != nil && baseline == nil {
            logger.info("no idle baseline: another job ran while settling, or nothing was measured", ["job": jobID])
        }
        var outcome: ExecutionOutcome
        switch prepared {
        case .success(let (runnable, digest)):
            outcome = executor.execute(runnable, control: control)
            outcome.inputDigest = digest
        case .failure(let error):
            outcome = ExecutionOutcome(
                status: .notStarted, error: error.description, finishedAt: Timestamp.nowNanoseconds())
        }
        let throttling = throttleWatch.finish()
        // An executor that never reported the encode's end: close the energy window now.
        let closed = meter.end(jobID: jobID, at: Clock.monotonicNanoseconds(), cpuSeconds: outcome.cpuSeconds)
        let (recorded, byRequest, forShutdown) = lock.withLock { () -> (EnergyReport?, Bool, Bool) in
            running[jobID] = nil
            return (job.energy, job.cancelledByRequest, job.abandonedForShutdown)
        }
        var energy = outcome.energy ?? recorded ?? closed
        if let frames = outcome.statistics?.frames { energy?.fillFrameFigures(frames: frames) }
        if let baseline, let report = energy {
            let wall = outcome.startedAt > 0 ? Double(outcome.finishedAt - outcome.startedAt) / 1e9 : 0
            energy = baseline.applied(to: report, wallSeconds: max(0, wall))
        }
        if forShutdown {
            settle(message, .nak(delay: nil), jobID: jobID, within: 5)
            logger.info("job handed back for another agent", ["job": jobID])
            return
        }
        var final = outcome
        final.gpu = gpu
        if outcome.status == .cancelled && !byRequest { (final.status, final.error) = (.failed, "stopped") }
        finish(
            spec: spec, message: message, attempt: attempt, queuedAt: queuedAt, outcome: final, energy: energy,
            throttling: throttling)
    }

    /// Records a progress snapshot; every `progressInterval` also publishes a progress event and
    /// tells JetStream the job is still being worked on (`+WPI`), so its ack wait does not expire.
    private func reportProgress(_ snapshot: ProgressSnapshot, of spec: JobSpec, message: JetStreamMessage, attempt: Int)
    {
        let now = Clock.monotonicNanoseconds()
        let due = lock.withLock { () -> Bool in
            guard let job = running[spec.id] else { return false }
            job.progress = snapshot
            guard now - job.lastProgressReport >= UInt64(config.progressInterval * 1e9) else { return false }
            job.lastProgressReport = now
            return true
        }
        guard due else { return }
        try? message.inProgress()
        publishEvent(
            JobEvent(
                jobID: spec.id, nodeID: config.nodeID, state: .progress, at: Timestamp.nowNanoseconds(),
                attempt: attempt, progress: fraction(snapshot, of: spec)))
    }

    /// Builds and publishes the result (when there is one) and settles the message.
    func finish(
        spec: JobSpec, message: JetStreamMessage, attempt: Int, queuedAt: Int64?, outcome: ExecutionOutcome,
        energy: EnergyReport?, throttling: Throttling? = nil
    ) {
        let jobID = spec.id
        noteHardwareHealth(spec.capability, outcome)
        switch outcome.status {
        case .failed where attempt < config.maxAttempts, .notStarted where attempt < config.maxAttempts:
            // Transient: another agent (or this one, later) tries again.
            let reason = outcome.error ?? ""
            let failedAt = Timestamp.nowNanoseconds()
            let confirmed = settle(
                message, .nak(delay: .seconds(config.retryDelay * Double(attempt))), jobID: jobID)
            publishEvent(
                JobEvent(
                    jobID: jobID, nodeID: config.nodeID, state: .failed, at: failedAt, attempt: attempt,
                    message: "attempt \(attempt) of \(config.maxAttempts) failed\(JobEvent.retryNote): \(reason)",
                    ackConfirmed: confirmed, willRetry: true))
            logger.warning("job failed, handed back for a retry", ["job": jobID, "attempt": attempt, "error": reason])
            return
        default:
            break
        }
        // The result and the confirmed settlement may take a while through a leader election:
        // restart the ack wait first.
        try? message.inProgress()
        var result = ResultBuilder(config: config, spec: spec, attempt: attempt, queuedAt: queuedAt)
            .result(for: outcome, energy: energy)
        result.provenance = currentProvenance()
        result.throttling = throttling
        if let index = result.gpu?.index { result.gpu?.uuid = hardware.gpus.first { $0.index == index }?.uuid }
        deliver(result)
        let confirmed = settle(message, result.status == .succeeded ? .ack : .term, jobID: jobID)
        publishEvent(
            JobEvent(
                jobID: jobID, nodeID: config.nodeID, state: JobState(result.status), at: result.timings.finishedAt,
                attempt: attempt, message: result.error, ackConfirmed: confirmed))
        logger.info(
            "job finished",
            [
                "job": jobID, "status": result.status.rawValue, "frames": result.ffmpeg?.frames ?? 0,
                "joules": energy.map { String(format3: $0.totalJoules) } ?? "-",
                "source": energy?.source.rawValue ?? "-",
            ])
    }

    /// A job validation refused: a `rejected` result, never retried.
    private func reject(_ message: JetStreamMessage, _ rejection: JobRejection, attempt: Int, queuedAt: Int64?) {
        let jobID = rejection.jobID ?? "unknown-\(message.metadata.streamSequence)"
        var result = JobResult.rejected(
            rejection, jobID: jobID, nodeID: config.nodeID, attempt: attempt, queuedAt: queuedAt,
            finishedAt: Timestamp.nowNanoseconds())
        result.provenance = currentProvenance()
        deliver(result)
        let confirmed = settle(message, .term, jobID: jobID)
        if Identifier.isValid(jobID) {
            publishEvent(
                JobEvent(
                    jobID: jobID, nodeID: config.nodeID, state: .rejected, at: result.timings.finishedAt,
                    attempt: attempt, message: result.error, ackConfirmed: confirmed))
        }
        logger.warning("job rejected", ["job": jobID, "field": rejection.field, "reason": rejection.reason])
    }

    /// A cancel request recorded in the CONTROL stream before this job started.
    private func wasCancelledBeforeStart(_ jobID: String) -> Bool {
        let stored = try? jetStream.lastMessage(
            stream: FleetTopology.controlStream, subject: Subjects.cancel(jobID: jobID), timeout: .seconds(2))
        return stored != nil
    }

    /// Fraction of the job done, from the output time written against the job's duration.
    func fraction(_ snapshot: ProgressSnapshot, of spec: JobSpec) -> Double? {
        guard let duration = spec.durationSeconds, duration > 0 else { return nil }
        return min(1, max(0, snapshot.outputSeconds / duration))
    }
}

extension String {
    /// A number with three decimals, for logs.
    init(format3 value: Double) {
        self = String((value * 1000).rounded() / 1000)
    }
}
