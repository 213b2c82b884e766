import Client
import Model

/// ffrtmp's streams and consumers, in one place: `ffrtmp setup` declares them, agents pull from the
/// job consumers, the master reads EVENTS, RESULTS and JOB_ADVISORIES. See docs/architecture.md for the subject map.
public enum FleetTopology {
    /// Job specs on `job.<capability>` and `job.node.<node id>.<capability>`: a work queue, each job removed once an agent acks it.
    public static let jobsStream = "JOBS"
    /// Lifecycle events on `evt.job.<job id>.<state>`, kept 7 days, at most `eventsMaxBytes`.
    public static let eventsStream = "EVENTS"
    /// Final results on `result.<node id>`, kept 30 days, at most `resultsMaxBytes`.
    public static let resultsStream = "RESULTS"
    /// Cancellations on `ctl.job.<job id>.cancel`, the last per subject, kept 7 days, at most
    /// `controlMaxBytes`.
    public static let controlStream = "CONTROL"
    /// JetStream's advisories about jobs it gave up on (`advisorySubjects`), kept 7 days, at most
    /// `advisoriesMaxBytes`, so the master learns of them even when it was not running. A stream on
    /// `$JS.` subjects must be `no_ack`: the server publishes there itself and wants no reply.
    public static let advisoriesStream = "JOB_ADVISORIES"

    /// The advisories a job consumer on JOBS publishes when a job ran out of deliveries or an agent
    /// terminated it (`+TERM`).
    public static let advisorySubjects = [
        "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + jobsStream + ".*",
        "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED." + jobsStream + ".*",
    ]

    /// Size bounds on the streams agents write to, so one flooding agent cannot fill the broker's
    /// disk: past `max_bytes` the oldest messages go (discard old), and a message larger than
    /// `max_msg_size` is refused. Events and cancellations are small JSON; a result carries energy
    /// and quality figures, so it may use the whole default max_payload.
    public static let eventsMaxBytes: Int64 = 1 << 30
    public static let eventsMaxMessageSize: Int32 = 64 << 10
    public static let resultsMaxBytes: Int64 = 4 << 30
    public static let resultsMaxMessageSize: Int32 = 1 << 20
    public static let controlMaxBytes: Int64 = 64 << 20
    public static let controlMaxMessageSize: Int32 = 4 << 10
    public static let advisoriesMaxBytes: Int64 = 64 << 20

    /// Every capability an agent can pull jobs for (Model's `Capability`); each has its own subject
    /// and consumer.
    public static let capabilities = Capability.allCases.map(\.rawValue)

    /// The durable consumer on JOBS that agents with `capability` pull normal-priority jobs from.
    public static func jobConsumer(_ capability: String) -> String { capability }

    /// The durable consumer on JOBS for `capability`'s jobs of one priority class: `cpu`,
    /// `cpu-high`, `cpu-batch`.
    public static func jobConsumer(_ capability: Capability, _ priority: PriorityClass) -> String {
        priority == .normal ? jobConsumer(capability.rawValue) : "\(capability.rawValue)-\(priority.rawValue)"
    }

    /// The durable consumer on JOBS that only agent `nodeID` pulls: jobs sent to that node
    /// (`job.node.<node id>.>`, `ffrtmp submit --node`). Named for the node, so the broker's roles can
    /// let each agent create and pull its own and no other; the agent creates it when it starts.
    public static func nodeJobConsumer(_ nodeID: String) -> String { nodeID }

    /// Node ids that cannot have a node consumer: the capability consumers' names.
    public static func isReservedNodeID(_ nodeID: String) -> Bool {
        jobConsumers.contains { $0.durableName == nodeID }
    }

    /// A job not acknowledged (nor kept alive with +WPI) for this long goes to another agent.
    public static let jobAckWait: Duration = .seconds(30)
    /// Deliveries before a job is given up on.
    public static let jobMaxDeliver = 5
    /// Jobs out at agents per capability at most.
    public static let jobMaxAckPending = 64
    /// Re-submits of a job id within this window are stored once.
    public static let jobDuplicateWindow: Duration = .seconds(120)

    static let day: Duration = .seconds(86_400)

    /// The five streams.
    public static var streams: [StreamConfig] {
        [
            StreamConfig(
                name: jobsStream, subjects: ["job.>"], retention: .workqueue, storage: .file,
                discard: .old, duplicateWindow: jobDuplicateWindow),
            StreamConfig(
                name: eventsStream, subjects: ["evt.>"], retention: .limits, storage: .file,
                maxBytes: eventsMaxBytes, maxAge: day * 7, maxMessageSize: eventsMaxMessageSize),
            StreamConfig(
                name: resultsStream, subjects: ["result.>"], retention: .limits, storage: .file,
                maxBytes: resultsMaxBytes, maxAge: day * 30, maxMessageSize: resultsMaxMessageSize),
            StreamConfig(
                name: controlStream, subjects: ["ctl.>"], retention: .limits, storage: .file,
                maxBytes: controlMaxBytes, maxAge: day * 7, maxMessagesPerSubject: 1,
                maxMessageSize: controlMaxMessageSize),
            StreamConfig(
                name: advisoriesStream, subjects: advisorySubjects, retention: .limits, storage: .file,
                maxBytes: advisoriesMaxBytes, maxAge: day * 7, noAck: true),
        ]
    }

    /// One durable pull consumer per capability and priority class on JOBS, normal first.
    public static var jobConsumers: [ConsumerConfig] {
        Capability.allCases.flatMap { capability in
            PriorityClass.allCases.map { priority in
                jobConsumerConfig(
                    name: jobConsumer(capability, priority),
                    filter: Subjects.job(capability, node: nil, priority: priority))
            }
        }
    }

    /// Agent `nodeID`'s own durable pull consumer on JOBS (`nodeJobConsumer`), same settings as the
    /// capability consumers.
    public static func nodeJobConsumerConfig(_ nodeID: String) -> ConsumerConfig {
        jobConsumerConfig(name: nodeJobConsumer(nodeID), filter: Subjects.nodeJobs(nodeID: nodeID))
    }

    static func jobConsumerConfig(name: String, filter: String) -> ConsumerConfig {
        ConsumerConfig(
            durableName: name, ackPolicy: .explicit, ackWait: jobAckWait, maxDeliver: jobMaxDeliver,
            filterSubject: filter, maxAckPending: jobMaxAckPending)
    }
}
