import Model
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What `FFmpegRun.execute` tells its caller as it goes, on the executing thread.
public struct FFmpegRunObserver {
    /// ffmpeg started: its pid (the energy meter follows its tree), its cgroup relative to the
    /// cgroup root (nil without one) and the invocation.
    public var started: (_ processID: Int32, _ controlGroupPath: String?, _ invocation: FFmpegInvocation) -> Void
    /// Each `-progress` block.
    public var progress: (FFmpegProgress) -> Void
    /// ffmpeg was reaped: end the job's energy window here (quality runs after). The CPU seconds
    /// are the report's.
    public var encodeEnded: (_ outcome: ProcessOutcome, _ cpuSeconds: Double) -> Void
    /// A job with `keep_output` succeeded: store the output file at this path (it is deleted with the
    /// job's folder right after). A failure fails the job.
    public var keepOutput: (_ path: String) -> Result<KeptOutput, KeepOutputFailure>

    public init(
        started: @escaping (Int32, String?, FFmpegInvocation) -> Void = { _, _, _ in },
        progress: @escaping (FFmpegProgress) -> Void = { _ in },
        encodeEnded: @escaping (ProcessOutcome, Double) -> Void = { _, _ in },
        keepOutput: @escaping (String) -> Result<KeptOutput, KeepOutputFailure> = { _ in
            .failure(KeepOutputFailure(reason: "no object store to keep outputs in"))
        }
    ) {
        self.started = started
        self.progress = progress
        self.encodeEnded = encodeEnded
        self.keepOutput = keepOutput
    }
}

/// Runs one validated job's ffmpeg from start to cleanup: resolve a file input's symlinks, make
/// the job's work folder, build argv (a refusal is a `rejected` report), check disk space, start
/// ffmpeg under the job's limits, follow `-progress`, enforce `limits.timeout_s` (SIGTERM, then
/// SIGKILL to the whole process group), collect statistics, measure PSNR/SSIM if asked, and
/// delete the work folder — the output file with it: job outputs live only as long as the job, unless
/// it asked to keep them (`keep_output`: the observer stores the file first).
/// `execute` blocks its thread; `cancel` may be called from any other.
public final class FFmpegRun: Sendable {
    public let spec: JobSpec
    public let configuration: FFmpegRunConfiguration
    let limiter: ResourceLimiter
    /// The child being waited for (encode or quality run) and whether cancel was asked.
    private let control = Mutex<(child: ChildProcess?, cancelled: Bool)>((nil, false))

    public init(spec: JobSpec, configuration: FFmpegRunConfiguration, limiter: ResourceLimiter) {
        self.spec = spec
        self.configuration = configuration
        self.limiter = limiter
    }

    /// Stops the job (SIGTERM, SIGKILL after the grace period); a job not started yet never starts.
    public func cancel() {
        let child = control.withLock { state -> ChildProcess? in
            state.cancelled = true
            return state.child
        }
        child?.stop(.cancelled, graceSeconds: configuration.terminationGraceSeconds)
    }

    public func execute(observer: FFmpegRunObserver = FFmpegRunObserver()) -> FFmpegRunReport {
        if isCancelled { return .notRun(.cancelled, error: "cancelled before it started") }
        let job: JobSpec
        do {
            job = try InputPathResolver.resolve(spec, roots: configuration.allowedInputRoots)
        } catch {
            switch error {
            case .refused(let rejection): return .notRun(.rejected(rejection), error: rejection.description)
            case .unavailable(let reason): return .notRun(.notStarted, error: reason)
            }
        }
        let workspace: JobWorkspace
        do {
            workspace = try JobWorkspace.create(root: configuration.workDirectory, jobID: job.id)
        } catch {
            return .notRun(.notStarted, error: "work folder not made: \(error)")
        }
        var report = prepareAndRun(job, in: workspace, observer: observer)
        do {
            try workspace.remove()
        } catch {
            report.notes.append("work folder not removed: \(error)")
        }
        return report
    }

    private func prepareAndRun(
        _ job: JobSpec, in workspace: JobWorkspace, observer: FFmpegRunObserver
    ) -> FFmpegRunReport {
        let limits = ResourceLimits(spec: job)
        let invocation: FFmpegInvocation
        do {
            invocation = try FFmpegCommandBuilder.build(
                spec: job, workDirectory: workspace.path, ffmpegPath: configuration.ffmpegPath,
                threads: configuration.threads ?? limits.threads, options: configuration.buildOptions)
        } catch {
            return .notRun(.rejected(error), error: error.description)
        }
        do {
            let free = try DiskSpace.freeBytes(at: workspace.path)
            let estimate = DiskSpace.estimatedBytes(spec: job, invocation: invocation)
            if let shortage = DiskSpace.shortage(
                free: free, floor: configuration.minimumFreeBytes, estimate: estimate, path: configuration.workDirectory
            ) {
                return .notRun(.notStarted, error: shortage)
            }
        } catch {
            return .notRun(.notStarted, error: "disk space unknown: \(error)")
        }
        var session = limiter.begin(jobID: job.id, limits: limits)
        var report = encode(job, invocation, session: &session, observer: observer)
        if report.status == .succeeded, let encodedPath = invocation.outputPath, !job.quality.isEmpty {
            measureQuality(job, encodedPath: encodedPath, workspace: workspace, into: &report)
        }
        if report.status == .succeeded, job.keepOutput, let path = invocation.outputPath {
            switch observer.keepOutput(path) {
            case .success(let kept): report.keptOutput = kept
            case .failure(let failure): (report.status, report.error) = (.failed, "output not kept: \(failure.reason)")
            }
        }
        return report
    }

    /// Starts ffmpeg under the limits and waits for it.
    private func encode(
        _ job: JobSpec, _ invocation: FFmpegInvocation, session: inout ResourceLimitSession,
        observer: FFmpegRunObserver
    ) -> FFmpegRunReport {
        let child: ChildProcess
        do {
            child = try ChildProcess(invocation.launch(logTailLines: configuration.logTailLines))
        } catch {
            _ = session.finish()
            return .notRun(.notStarted, error: "ffmpeg did not start: \(error)", notes: session.notes)
        }
        let startedAt = Timestamp.nowNanoseconds()
        session.attach(child.processID)
        track(child)
        observer.started(child.processID, session.controlGroup?.relativePath, invocation)
        var parser = FFmpegProgressParser()
        let outcome = child.wait(
            timeoutSeconds: Double(job.timeoutSeconds), graceSeconds: configuration.terminationGraceSeconds,
            onOutput: { chunk in
                for progress in parser.feed(chunk) { observer.progress(progress) }
            })
        control.withLock { $0.child = nil }
        let usage = session.finish()
        let cpuSeconds = max(outcome.cpuSeconds, usage?.cpuSeconds ?? 0)
        observer.encodeEnded(outcome, cpuSeconds)
        let (status, error) = Self.status(of: outcome, usage: usage, limits: session.limits)
        return FFmpegRunReport(
            status: status, error: error,
            statistics: Self.statistics(job, invocation, outcome: outcome, progress: parser.last),
            quality: nil, startedAt: startedAt, finishedAt: Timestamp.nowNanoseconds(),
            wallSeconds: outcome.wallSeconds, cpuSeconds: cpuSeconds,
            peakMemoryBytes: usage?.peakMemoryBytes ?? outcome.maximumResidentBytes,
            resourceLimitsMode: session.mode, notes: session.notes)
    }

    private func measureQuality(
        _ job: JobSpec, encodedPath: String, workspace: JobWorkspace, into report: inout FFmpegRunReport
    ) {
        let meter = QualityMeter(ffmpegPath: configuration.ffmpegPath, logTailLines: configuration.logTailLines)
        let result = meter.measure(
            spec: job, encodedPath: encodedPath, workDirectory: workspace.path,
            timeoutSeconds: Double(job.timeoutSeconds), onStart: { self.track($0) })
        control.withLock { $0.child = nil }
        switch result {
        case .success(let scores):
            report.quality = scores
        case .failure(let failure):
            report.status = isCancelled ? .cancelled : .failed
            report.error = failure.reason + (failure.logTail.first.map { ": \($0)" } ?? "")
        }
        report.finishedAt = Timestamp.nowNanoseconds()
    }

    /// Remembers the child for `cancel`, stopping it at once when cancel came first.
    private func track(_ child: ChildProcess) {
        let cancelled = control.withLock { state -> Bool in
            state.child = child
            return state.cancelled
        }
        if cancelled { child.stop(.cancelled, graceSeconds: configuration.terminationGraceSeconds) }
    }

    private var isCancelled: Bool { control.withLock { $0.cancelled } }
}
