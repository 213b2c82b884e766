import Client
import Fleet
import Model
import Net
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The fleet's memory: follows EVENTS and RESULTS through durable consumers (a restarted master
/// catches up and misses nothing), listens to heartbeats and telemetry, polls job queue depths,
/// keeps all of it in SQLite and in a live in-memory view, and prunes by retention.
///
/// Threads: one per durable feed, one for queue polling and pruning, the store writer (heartbeats
/// and telemetry, batched), `decoderCount` decoders and the client's own (heartbeat and telemetry
/// handlers run there: they only file the message in the `FleetInbox`; the decoders decode it,
/// update the live view and queue the record for the writer).
public final class Master: Sendable {
    public let config: MasterConfig
    public let store: MasterStore
    public let fleet: FleetView
    /// Prices per region, for the API.
    public let pricing: PricingFile
    /// Live updates for dashboards: `job` when an event or result is stored, `fleet` each second.
    public let live = LiveUpdates()
    let logger: Logger
    private let running = Atomic<Bool>(false)
    private let resources = Mutex<(connection: NATSConnection?, threads: [pthread_t])>((nil, []))
    let writer: StoreWriter
    /// Heartbeats and telemetry received, waiting for a decoder (at most one per subject).
    let inbox: FleetInbox
    /// Threads decoding heartbeats and telemetry, one per inbox shard.
    static let decoderCount = 2
    private let decoders = Mutex<[pthread_t]>([])
    /// Advisories of jobs JetStream gave up on, waiting for the `dead-letters` thread.
    let deadLetters = Mutex<[DeadLetter]>([])

    public init(config: MasterConfig, logger: Logger) throws {
        try config.validate()
        self.config = config
        self.logger = logger
        if config.databasePath != ":memory:" {
            try DurableFiles.makeDirectories(DurableFiles.parent(of: config.databasePath))
        }
        pricing = try config.pricingPath.map { try PricingFile(path: $0, logger: logger) } ?? PricingFile()
        store = try MasterStore(path: config.databasePath)
        let fleet = FleetView(offlineAfterSeconds: config.offlineAfter)
        var remembered: [String: FleetView.Remembered] = [:]
        for row in try store.knownNodes() { remembered[row["node_id"].string ?? ""] = NodeJSON.remembered(row) }
        fleet.remember(remembered)
        self.fleet = fleet
        writer = StoreWriter(
            store: store,
            sampling: FleetSampling(
                nodeRowInterval: config.nodeRowInterval, nodeSampleInterval: config.nodeSampleInterval,
                jobSampleInterval: config.jobSampleInterval),
            capacity: config.storeQueueLimit, interval: config.storeInterval, logger: logger,
            onFailure: { [fleet] lost in fleet.count { $0.storeFailures += lost } })
        inbox = FleetInbox(shards: Self.decoderCount, capacity: max(200_000, config.storeQueueLimit))
    }

    /// Connects and starts following the fleet; returns once running.
    public func start() throws {
        var options = ConnectionOptions()
        options.name = "ffrtmp master \(config.name)"
        options.tls = config.tls
        options.user = config.user
        options.password = config.password
        options.inboxPrefix = config.inboxPrefix
        options.maxReconnectAttempts = -1
        options.logger = logger
        options.onReconnected = { [logger] in logger.info("reconnected to the broker") }
        options.onDisconnected = { [logger] error in
            logger.warning("disconnected from the broker; catching up when it returns", ["error": "\(error)"])
        }
        let connection = try NATSConnection.connect(urls: config.servers, options: options)
        running.store(true, ordering: .releasing)
        writer.start()
        decoders.withLock { threads in
            for shard in inbox.shards {
                threads.append(SystemThread.start(name: "fleet-decoder") { [self] in decode(shard) })
            }
        }
        _ = try connection.subscribe(Subjects.allHeartbeats) { [inbox] message in inbox.put(message, kind: .heartbeat) }
        _ = try connection.subscribe(Subjects.allMetrics) { [inbox] message in inbox.put(message, kind: .telemetry) }
        let jetStream = JetStreamContext(connection: connection, timeout: .seconds(5))
        // The advisory stream captures every advisory the core subscription would see, and keeps
        // them while no master runs: follow one or the other, so each is settled and counted once.
        let advisoriesKept = (try? jetStream.streamInfo(DeadLetter.streamName)) != nil
        if !advisoriesKept {
            for subject in DeadLetter.subjects {
                _ = try connection.subscribe(subject) { [self] message in take(advisory: message) }
            }
        }
        try connection.flush()
        var feeds = [
            DurableFeed(
                stream: FleetTopology.eventsStream, consumer: "\(config.name)-events", logger: logger,
                handle: { [self] in take(event: $0) }),
            DurableFeed(
                stream: FleetTopology.resultsStream, consumer: "\(config.name)-results", logger: logger,
                handle: { [self] in take(result: $0) }),
        ]
        if advisoriesKept {
            feeds.append(
                DurableFeed(
                    stream: DeadLetter.streamName, consumer: "\(config.name)-advisories", logger: logger,
                    handle: { [self] in take(storedAdvisory: $0, connection: connection) }))
        }
        var threads: [pthread_t] = []
        for feed in feeds {
            threads.append(
                SystemThread.start(name: "feed-\(feed.stream)") { [self] in
                    feed.run(jetStream) { running.load(ordering: .acquiring) }
                })
        }
        threads.append(SystemThread.start(name: "queues") { [self] in pollQueues(jetStream) })
        threads.append(SystemThread.start(name: "dead-letters") { [self] in followDeadLetters(connection) })
        threads.append(SystemThread.start(name: "live") { [self] in publishFleetSnapshots() })
        resources.withLock { $0 = (connection, threads) }
        logger.info(
            "master running", ["server": connection.connectedServer?.description ?? "", "db": config.databasePath])
    }

    /// Stops following and closes the connection, decodes what the inbox holds, then writes what
    /// waits for the store.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let (connection, threads) = resources.withLock { $0 }
        for thread in threads { SystemThread.join(thread) }
        connection?.close()
        inbox.close()
        for thread in decoders.withLock({ $0 }) { SystemThread.join(thread) }
        writer.stop()
        logger.info("master stopped")
    }

    public var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Queue depths every `queuePollInterval`; pruning once an hour.
    private func pollQueues(_ jetStream: JetStreamContext) {
        var lastPrune: UInt64 = 0
        while running.load(ordering: .acquiring) {
            var depths: [FleetView.QueueDepth] = []
            for capability in Capability.allCases {
                // A capability's depth is the sum over its priority classes' queues.
                let classes = PriorityClass.allCases.compactMap { priority in
                    try? jetStream.consumerInfo(
                        stream: FleetTopology.jobsStream, consumer: FleetTopology.jobConsumer(capability, priority))
                }.map { FleetView.QueueDepth(capability: capability.rawValue, consumer: $0) }
                guard !classes.isEmpty else { continue }
                depths.append(
                    FleetView.QueueDepth(
                        capability: capability.rawValue,
                        pending: saturatingSum(classes.map(\.pending)),
                        running: saturatingSum(classes.map(\.running))))
            }
            fleet.setQueues(depths)
            let now = Clock.monotonicNanoseconds()
            if now - lastPrune > 3_600_000_000_000 || lastPrune == 0 {
                lastPrune = now
                prune()
            }
            sleepWhileRunning(seconds: config.queuePollInterval)
        }
    }

    private func prune() {
        do {
            try store.prune(
                now: Timestamp.nowNanoseconds(), results: Int64(config.resultRetention * 1e9),
                telemetry: Int64(config.telemetryRetention * 1e9))
        } catch {
            logger.warning("pruning old records failed", ["error": "\(error)"])
        }
    }

    private func sleepWhileRunning(seconds: Double) {
        let deadline = Clock.monotonicNanoseconds() + UInt64(seconds * 1e9)
        while running.load(ordering: .acquiring) && Clock.monotonicNanoseconds() < deadline {
            Clock.sleep(seconds: min(0.2, seconds))
        }
    }

    /// The dashboard's live fleet (`FleetFeed`): changes every second, snapshot pages to new
    /// viewers every 100 ms as fast as each reads; and `/api/fleet`'s node counts every second.
    private func publishFleetSnapshots() {
        let feed = FleetFeed(fleet: fleet, live: live)
        var nextDelta: UInt64 = 0
        while running.load(ordering: .acquiring) {
            let now = Clock.monotonicNanoseconds()
            if now >= nextDelta {
                feed.publishChanges(now: now)
                fleet.keep(census: MasterAPI.census(of: fleet, now: now), at: now)
                nextDelta = now + 1_000_000_000
            }
            feed.continueSnapshots(now: now)
            sleepWhileRunning(seconds: 0.1)
        }
    }
}
