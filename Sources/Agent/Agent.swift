import Client
import Energy
import Model
import Net
import Support
#if canImport(Glibc)
    import Glibc
#endif

/// A transcoding node: proves what its hardware can encode, pulls jobs from the queues of those
/// capabilities while it has free slots, runs them, measures them, and reports results, lifecycle
/// events, heartbeats and telemetry.
///
/// Threads: one pull thread per proven capability (which also polls the node's own queue), one per
/// running job, one reporter (heartbeats, telemetry, spooled results), the energy sampler and the
/// client's own. Shared state
/// (`phase`, `running`, `reservedSlots`) is guarded by `lock`; `slotsChanged` signals changes.
public final class Agent: @unchecked Sendable {
    public enum Phase: Sendable, Equatable {
        case starting, running
        /// Finishing running jobs, pulling no more.
        case draining
        /// Handing running jobs back (NAK) and stopping.
        case aborting
        case stopped
    }

    let config: AgentConfig
    let logger: Logger
    let executor: JobExecutor
    let nodeProbe: NodeProbe
    let meter: EnergyMeter
    /// The GPU each running NVENC job was given.
    let gpuSlots = GPUSlots()
    let spool: ResultSpool
    /// The work directory, held for this agent's lifetime.
    let workClaim: WorkDirectoryClaim
    let validator: JobValidator
    /// Clips fetched for `clip` inputs, by content.
    let clipCache: ClipCache
    let lock = Lock()
    let slotsChanged: Condition
    var phase = Phase.starting
    var running: [String: RunningJob] = [:]
    var reservedSlots = 0
    var hardware = Hardware(cpuModel: "", cores: 0, threads: 0, ramMegabytes: 0, gpus: [])
    var capabilities: [CapabilityStatus] = []
    /// ffmpeg's version and build flags, probed once at start for provenance.
    var ffmpegBuild: (version: String?, configuration: String?) = (nil, nil)
    /// The quality metrics this node's ffmpeg can measure, probed once at start.
    var qualityMetrics: [QualityMetric] = [.psnr, .ssim]
    /// Capabilities withdrawn after hardware failures; guarded by `lock`.
    var health: CapabilityHealth
    var connection: NATSConnection!
    var jetStream: JetStreamContext!
    private var threads: [pthread_t] = []

    init(config: AgentConfig, logger: Logger, executor: JobExecutor, nodeProbe: NodeProbe, meter: EnergyMeter)
        throws
    {
        try config.validate()
        self.config = config
        self.logger = logger
        self.executor = executor
        self.nodeProbe = nodeProbe
        self.meter = meter
        spool = try ResultSpool(folder: config.spoolDirectory)
        try DurableFiles.makeDirectories(config.workDirectory)
        do {
            workClaim = try WorkDirectoryClaim(directory: config.workDirectory)
        } catch {
            guard WorkDirectoryClaim.isHeldElsewhere(error) else { throw error }
            throw AgentConfigError(
                "another agent is using the work directory \(config.workDirectory); give each agent its own --work-dir")
        }
        var policy = ValidationPolicy()
        policy.allowedRoots = config.inputRoots
        validator = JobValidator(policy: policy)
        clipCache = ClipCache(directory: config.clipCacheDirectory, maximumBytes: config.clipCacheBytes)
        slotsChanged = Condition(lock: lock)
        health = CapabilityHealth(
            threshold: config.withdrawAfterHardwareFailures, baseDelaySeconds: config.reprobeDelay,
            maximumDelaySeconds: config.maximumReprobeDelay)
    }

    /// Proves capabilities, connects, and runs until drained or aborted. Blocks.
    public func run() throws {
        let leftovers = workClaim.sweepLeftovers(procRoot: config.procRoot)
        if !leftovers.removedFolders.isEmpty || !leftovers.killedGroups.isEmpty {
            logger.warning(
                "cleaned up after a previous agent that did not exit cleanly",
                [
                    "killed_process_groups": leftovers.killedGroups.map(String.init).joined(separator: ","),
                    "removed_job_folders": leftovers.removedFolders.count,
                ])
        }
        (hardware, capabilities) = nodeProbe.probe()
        ffmpegBuild = nodeProbe.ffmpegBuild()
        qualityMetrics = nodeProbe.qualityMetrics()
        if let problem = nodeLimits.defaultsProblem { throw AgentConfigError(problem) }
        let proven = capabilities.filter(\.proven).map(\.name)
        logger.info(
            "agent starting",
            [
                "node": config.nodeID, "cpu": hardware.cpuModel, "threads": hardware.threads,
                "gpus": hardware.gpus.count,
                "proven": proven.map(\.rawValue).joined(separator: ","), "slots": config.maxConcurrentJobs,
                "power": meter.availableSources.joined(separator: ","),
                "quality": qualityMetrics.map(\.rawValue).joined(separator: ","),
            ])
        for capability in capabilities where !capability.proven {
            logger.info(
                "capability not proven", ["capability": capability.name.rawValue, "error": capability.error ?? ""])
        }
        try connect()
        let sampler = try EnergySamplingThread(meter: meter)
        defer { sampler.stop() }
        lock.withLock { phase = .running }
        startThread("reporter") { [self] in runReporter() }
        for capability in proven {
            startThread("pull-\(capability.rawValue)") { [self] in pullJobs(for: capability) }
        }
        if proven.isEmpty { logger.warning("no capability proven: this agent will pull no jobs") }
        waitUntilIdleAfterDrain()
        for thread in lock.withLock({ threads }) { SystemThread.join(thread) }
        publishHeartbeat()
        try? connection.flush(timeout: .seconds(2))
        connection.close()
        logger.info("agent stopped", ["node": config.nodeID])
    }

    private func connect() throws {
        var options = ConnectionOptions()
        options.name = "ffrtmp agent \(config.nodeID)"
        options.tls = config.tls
        options.user = config.user
        options.password = config.password
        options.inboxPrefix = config.inboxPrefix
        options.maxReconnectAttempts = -1
        options.logger = logger
        options.onReconnected = { [weak self] in
            self?.logger.info("reconnected to the broker")
        }
        options.onDisconnected = { [weak self] error in
            self?.logger.warning(
                "disconnected from the broker; results are spooled until it returns", ["error": "\(error)"])
        }
        connection = try NATSConnection.connect(urls: config.servers, options: options)
        jetStream = JetStreamContext(connection: connection, timeout: .seconds(5))
        let cancellations: @Sendable (Message) -> Void = { [weak self] message in
            self?.cancelRequested(subject: message.subject)
        }
        _ = try connection.subscribe(Subjects.cancel(jobID: "*"), handler: cancellations)
        logger.info("connected", ["server": connection.connectedServer?.description ?? ""])
    }

    func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = SystemThread.start(name: name, body)
        lock.withLock { threads.append(thread) }
    }

    // MARK: stopping

    /// First termination signal: pull nothing more, finish running jobs, then stop.
    public func drain() {
        lock.withLock {
            guard phase == .running || phase == .starting else { return }
            phase = .draining
            slotsChanged.broadcast()
        }
        logger.info("draining: finishing running jobs, pulling no more", ["running": runningCount])
        publishHeartbeat()
    }

    /// Second signal: stop running jobs and hand them back (NAK) for other agents.
    public func abort() {
        let jobs = lock.withLock { () -> [RunningJob] in
            phase = .aborting
            slotsChanged.broadcast()
            for job in running.values { job.abandonedForShutdown = true }
            return Array(running.values)
        }
        logger.warning("aborting: handing running jobs back", ["running": jobs.count])
        for job in jobs { job.control.cancel() }
    }

    public var currentPhase: Phase { lock.withLock { phase } }
    var runningCount: Int { lock.withLock { running.count } }

    /// Blocks until draining or aborting finished every job.
    private func waitUntilIdleAfterDrain() {
        lock.withLock {
            while !((phase == .draining || phase == .aborting) && running.isEmpty && reservedSlots == 0) {
                slotsChanged.wait(untilMonotonicNanoseconds: Clock.monotonicNanoseconds() + 500_000_000)
            }
            phase = .stopped
            slotsChanged.broadcast()
        }
    }

    // MARK: cancellation

    /// `ctl.job.<id>.cancel`: stop that job if it runs here.
    private func cancelRequested(subject: String) {
        let tokens = subject.split(separator: ".")
        guard tokens.count == 4 else { return }
        let jobID = String(tokens[2])
        let job = lock.withLock { () -> RunningJob? in
            guard let job = running[jobID] else { return nil }
            job.cancelledByRequest = true
            return job
        }
        guard let job else { return }
        logger.info("cancel requested", ["job": jobID])
        job.control.cancel()
    }
}
