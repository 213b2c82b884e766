import FoundationEssentials

/// A consumer's configuration as the JetStream API spells it (`config` in consumer create
/// requests and consumer info). Absent fields take nats-server's defaults.
struct ConsumerConfig: Codable, Equatable, Sendable {
    var durableName: String?
    var name: String?
    var description: String?
    var deliverPolicy: DeliverPolicy = .all
    var optStartSequence: UInt64?
    var ackPolicy: AckPolicy = .explicit
    /// Nanoseconds a delivered message may stay unacknowledged before it is redelivered.
    var ackWait: Int64 = 30_000_000_000
    /// Deliveries before a message is given up on (-1: no limit).
    var maxDeliver = -1
    var filterSubject: String?
    var filterSubjects: [String]?
    var replayPolicy = "instant"
    var maxWaiting = 512
    var maxAckPending = 1000
    /// Largest `batch` one pull request may ask for (`max_batch`; 0: no limit).
    var maxRequestBatch = 0
    /// Longest `expires` one pull request may ask for, in nanoseconds (`max_expires`; 0: no limit).
    var maxRequestExpires: Int64 = 0
    /// Largest `max_bytes` one pull request may ask for (`max_bytes`; 0: no limit).
    var maxRequestMaxBytes = 0
    /// Nanoseconds; an ephemeral consumer with no pull requests for this long is removed.
    var inactiveThreshold: Int64?
    /// Redelivery back-off in nanoseconds, per delivery count.
    var backoff: [Int64]?
    var metadata: [String: String]?
    /// Push consumers: where messages are sent without being asked for (see `PushDelivery`).
    var deliverSubject: String?
    /// Push consumers in a queue group (refused: not supported).
    var deliverGroup: String?
    /// Push consumers: `100 FlowControl Request` statuses the client must answer before more flows.
    var flowControl = false
    /// Push consumers: nanoseconds of silence after which a `100 Idle Heartbeat` is sent (0: none).
    var idleHeartbeat: Int64 = 0
    /// Deliver headers and the size only, without payloads (refused: not supported).
    var headersOnly = false
    /// Keep the consumer's state in memory (ephemeral consumers always are here).
    var memoryStorage = false
    /// `num_replicas` as asked (0 or 1; more is refused).
    var replicas = 0

    enum DeliverPolicy: String, Codable, Sendable {
        case all, last, new
        case byStartSequence = "by_start_sequence"
        case byStartTime = "by_start_time"
        case lastPerSubject = "last_per_subject"
    }

    enum AckPolicy: String, Codable, Sendable { case none, all, explicit }

    enum CodingKeys: String, CodingKey {
        case name, description, backoff, metadata
        case durableName = "durable_name"
        case deliverPolicy = "deliver_policy"
        case optStartSequence = "opt_start_seq"
        case ackPolicy = "ack_policy"
        case ackWait = "ack_wait"
        case maxDeliver = "max_deliver"
        case filterSubject = "filter_subject"
        case filterSubjects = "filter_subjects"
        case replayPolicy = "replay_policy"
        case maxWaiting = "max_waiting"
        case maxAckPending = "max_ack_pending"
        case maxRequestBatch = "max_batch"
        case maxRequestExpires = "max_expires"
        case maxRequestMaxBytes = "max_bytes"
        case inactiveThreshold = "inactive_threshold"
        case deliverSubject = "deliver_subject"
        case deliverGroup = "deliver_group"
        case flowControl = "flow_control"
        case idleHeartbeat = "idle_heartbeat"
        case headersOnly = "headers_only"
        case memoryStorage = "mem_storage"
        case replicas = "num_replicas"
    }

    init() {}

    init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        durableName = try values.decodeIfPresent(String.self, forKey: .durableName)
        name = try values.decodeIfPresent(String.self, forKey: .name)
        description = try values.decodeIfPresent(String.self, forKey: .description)
        deliverPolicy = try values.decodeIfPresent(DeliverPolicy.self, forKey: .deliverPolicy) ?? .all
        optStartSequence = try values.decodeIfPresent(UInt64.self, forKey: .optStartSequence)
        ackPolicy = try values.decodeIfPresent(AckPolicy.self, forKey: .ackPolicy) ?? .explicit
        // A negative ack wait stays negative so that validation refuses it, as nats-server does.
        ackWait = try values.decodeIfPresent(Int64.self, forKey: .ackWait) ?? 30_000_000_000
        if ackWait == 0 { ackWait = 30_000_000_000 }
        maxDeliver = try values.decodeIfPresent(Int.self, forKey: .maxDeliver) ?? -1
        if maxDeliver == 0 { maxDeliver = -1 }
        filterSubject = try values.decodeIfPresent(String.self, forKey: .filterSubject)
        if filterSubject == "" { filterSubject = nil }
        filterSubjects = try values.decodeIfPresent([String].self, forKey: .filterSubjects)
        if filterSubjects?.isEmpty == true { filterSubjects = nil }
        replayPolicy = try values.decodeIfPresent(String.self, forKey: .replayPolicy) ?? "instant"
        maxWaiting = try values.decodeIfPresent(Int.self, forKey: .maxWaiting) ?? 512
        if maxWaiting <= 0 { maxWaiting = 512 }
        maxAckPending = try values.decodeIfPresent(Int.self, forKey: .maxAckPending) ?? 1000
        if maxAckPending == 0 { maxAckPending = 1000 }
        maxRequestBatch = max(0, try values.decodeIfPresent(Int.self, forKey: .maxRequestBatch) ?? 0)
        maxRequestExpires = max(0, try values.decodeIfPresent(Int64.self, forKey: .maxRequestExpires) ?? 0)
        maxRequestMaxBytes = max(0, try values.decodeIfPresent(Int.self, forKey: .maxRequestMaxBytes) ?? 0)
        inactiveThreshold = try values.decodeIfPresent(Int64.self, forKey: .inactiveThreshold)
        // nats-server: zero (nats-py's ordered consumer sends it) or less means the default.
        if let threshold = inactiveThreshold, threshold <= 0 { inactiveThreshold = nil }
        backoff = try values.decodeIfPresent([Int64].self, forKey: .backoff)
        metadata = try values.decodeIfPresent([String: String].self, forKey: .metadata)
        deliverSubject = try values.decodeIfPresent(String.self, forKey: .deliverSubject)
        if deliverSubject == "" { deliverSubject = nil }
        deliverGroup = try values.decodeIfPresent(String.self, forKey: .deliverGroup)
        if deliverGroup == "" { deliverGroup = nil }
        flowControl = try values.decodeIfPresent(Bool.self, forKey: .flowControl) ?? false
        // nats-server: a negative heartbeat means none.
        idleHeartbeat = max(0, try values.decodeIfPresent(Int64.self, forKey: .idleHeartbeat) ?? 0)
        headersOnly = try values.decodeIfPresent(Bool.self, forKey: .headersOnly) ?? false
        memoryStorage = try values.decodeIfPresent(Bool.self, forKey: .memoryStorage) ?? false
        replicas = try values.decodeIfPresent(Int.self, forKey: .replicas) ?? 0
    }

    func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encodeIfPresent(durableName, forKey: .durableName)
        try values.encodeIfPresent(name, forKey: .name)
        try values.encodeIfPresent(description, forKey: .description)
        try values.encode(deliverPolicy, forKey: .deliverPolicy)
        try values.encodeIfPresent(optStartSequence, forKey: .optStartSequence)
        try values.encode(ackPolicy, forKey: .ackPolicy)
        // As nats-server reports it: no ack wait or pending limit without acks; with a back-off, the
        // first step is the ack wait.
        if ackPolicy != .none { try values.encode(backoff?.first ?? ackWait, forKey: .ackWait) }
        try values.encode(maxDeliver, forKey: .maxDeliver)
        try values.encodeIfPresent(filterSubject, forKey: .filterSubject)
        try values.encodeIfPresent(filterSubjects, forKey: .filterSubjects)
        try values.encode(replayPolicy, forKey: .replayPolicy)
        // As nats-server reports it: a push consumer has no pull-request limits, but its push settings.
        if let deliverSubject {
            if flowControl { try values.encode(true, forKey: .flowControl) }
            try values.encode(deliverSubject, forKey: .deliverSubject)
            try values.encodeIfPresent(deliverGroup, forKey: .deliverGroup)
            if idleHeartbeat > 0 { try values.encode(idleHeartbeat, forKey: .idleHeartbeat) }
        } else {
            try values.encode(maxWaiting, forKey: .maxWaiting)
        }
        if headersOnly { try values.encode(true, forKey: .headersOnly) }
        if ackPolicy != .none { try values.encode(maxAckPending, forKey: .maxAckPending) }
        if maxRequestBatch > 0 { try values.encode(maxRequestBatch, forKey: .maxRequestBatch) }
        if maxRequestExpires > 0 { try values.encode(maxRequestExpires, forKey: .maxRequestExpires) }
        if maxRequestMaxBytes > 0 { try values.encode(maxRequestMaxBytes, forKey: .maxRequestMaxBytes) }
        try values.encodeIfPresent(inactiveThreshold, forKey: .inactiveThreshold)
        try values.encodeIfPresent(backoff, forKey: .backoff)
        try values.encode(replicas, forKey: .replicas)
        if memoryStorage { try values.encode(true, forKey: .memoryStorage) }
        try values.encodeIfPresent(metadata, forKey: .metadata)
    }

    /// Every filter, whichever of `filter_subject` and `filter_subjects` was used (empty: all).
    var filters: [String] { filterSubjects ?? filterSubject.map { [$0] } ?? [] }
}
