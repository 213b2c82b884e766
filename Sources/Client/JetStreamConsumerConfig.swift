import FoundationEssentials
import Net

/// A pull consumer's configuration with the JetStream API's field names (`config` in consumer create
/// requests and consumer info). Decoding is lenient: unknown fields are ignored and absent ones take
/// nats-server's defaults; optional fields left nil are not sent, so the server picks.
public struct ConsumerConfig: Codable, Equatable, Sendable {
    /// Set for a durable consumer (kept while nobody pulls); nil for an ephemeral one.
    public var durableName: String?
    /// The consumer's name (nats-server ≥ 2.9); defaults to `durableName`.
    public var name: String?
    public var description: String?
    public var deliverPolicy: DeliverPolicy
    /// The first stream sequence delivered with `deliverPolicy` `.byStartSequence`.
    public var startSequence: UInt64?
    public var ackPolicy: AckPolicy
    /// How long a delivered message may stay unacknowledged before it is delivered again.
    public var ackWait: Duration
    /// Deliveries before a message is given up on (-1: no limit).
    public var maxDeliver: Int
    /// Only messages on subjects matching this are delivered (nil: all of the stream's).
    public var filterSubject: String?
    /// Delivered but unacknowledged messages at most; more pulls wait (nil: the server's default).
    public var maxAckPending: Int?
    /// Pull requests the server keeps waiting at once (nil: the server's default, 512).
    public var maxWaiting: Int?
    /// Redelivery delays by delivery count, replacing `ackWait` for redeliveries when set.
    public var backoff: [Duration]?
    /// An ephemeral consumer with no pulls for this long is removed.
    public var inactiveThreshold: Duration?
    /// Copies of the consumer's state in a cluster (nil: the stream's).
    public var replicas: Int?
    /// Keep the consumer's state in memory only (nats-server; ffrtmp's broker ignores it).
    public var memoryStorage: Bool?

    /// Where a new consumer starts in its stream.
    public enum DeliverPolicy: String, Codable, Sendable {
        case all, last, new
        case byStartSequence = "by_start_sequence"
        case byStartTime = "by_start_time"
        case lastPerSubject = "last_per_subject"
    }

    /// Which acknowledgements the consumer expects.
    public enum AckPolicy: String, Codable, Sendable {
        /// Every message acknowledged on its own (the only policy a work queue accepts).
        case explicit
        /// Acknowledging a message acknowledges every one before it.
        case all
        /// Messages count as acknowledged once delivered.
        case none
    }

    public init(
        durableName: String? = nil, name: String? = nil, deliverPolicy: DeliverPolicy = .all,
        ackPolicy: AckPolicy = .explicit, ackWait: Duration = .seconds(30), maxDeliver: Int = -1,
        filterSubject: String? = nil, maxAckPending: Int? = nil, backoff: [Duration]? = nil
    ) {
        self.durableName = durableName
        self.name = name
        self.deliverPolicy = deliverPolicy
        self.ackPolicy = ackPolicy
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.filterSubject = filterSubject
        self.maxAckPending = maxAckPending
        self.backoff = backoff
    }

    /// The name the server files the consumer under: `name`, else `durableName`.
    public var effectiveName: String? { name ?? durableName }

    enum CodingKeys: String, CodingKey {
        case name, description, backoff
        case durableName = "durable_name"
        case deliverPolicy = "deliver_policy"
        case startSequence = "opt_start_seq"
        case ackPolicy = "ack_policy"
        case ackWait = "ack_wait"
        case maxDeliver = "max_deliver"
        case filterSubject = "filter_subject"
        case maxAckPending = "max_ack_pending"
        case maxWaiting = "max_waiting"
        case inactiveThreshold = "inactive_threshold"
        case replicas = "num_replicas"
        case memoryStorage = "mem_storage"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        durableName = try values.decodeIfPresent(String.self, forKey: .durableName)
        name = try values.decodeIfPresent(String.self, forKey: .name)
        description = try values.decodeIfPresent(String.self, forKey: .description)
        deliverPolicy = try values.decodeIfPresent(DeliverPolicy.self, forKey: .deliverPolicy) ?? .all
        startSequence = try values.decodeIfPresent(UInt64.self, forKey: .startSequence)
        ackPolicy = try values.decodeIfPresent(AckPolicy.self, forKey: .ackPolicy) ?? .explicit
        ackWait = .nanoseconds(try values.decodeIfPresent(Int64.self, forKey: .ackWait) ?? 30_000_000_000)
        maxDeliver = try values.decodeIfPresent(Int.self, forKey: .maxDeliver) ?? -1
        filterSubject = try values.decodeIfPresent(String.self, forKey: .filterSubject)
        maxAckPending = try values.decodeIfPresent(Int.self, forKey: .maxAckPending)
        maxWaiting = try values.decodeIfPresent(Int.self, forKey: .maxWaiting)
        backoff = try values.decodeIfPresent([Int64].self, forKey: .backoff)?.map { .nanoseconds($0) }
        inactiveThreshold = try values.decodeIfPresent(Int64.self, forKey: .inactiveThreshold).map { .nanoseconds($0) }
        replicas = try values.decodeIfPresent(Int.self, forKey: .replicas)
        memoryStorage = try values.decodeIfPresent(Bool.self, forKey: .memoryStorage)
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encodeIfPresent(durableName, forKey: .durableName)
        try values.encodeIfPresent(name, forKey: .name)
        try values.encodeIfPresent(description, forKey: .description)
        try values.encode(deliverPolicy, forKey: .deliverPolicy)
        try values.encodeIfPresent(startSequence, forKey: .startSequence)
        try values.encode(ackPolicy, forKey: .ackPolicy)
        try values.encode(ackWait.nanoseconds, forKey: .ackWait)
        try values.encode(maxDeliver, forKey: .maxDeliver)
        try values.encodeIfPresent(filterSubject, forKey: .filterSubject)
        try values.encodeIfPresent(maxAckPending, forKey: .maxAckPending)
        try values.encodeIfPresent(maxWaiting, forKey: .maxWaiting)
        try values.encodeIfPresent(backoff?.map(\.nanoseconds), forKey: .backoff)
        try values.encodeIfPresent(inactiveThreshold?.nanoseconds, forKey: .inactiveThreshold)
        try values.encodeIfPresent(replicas, forKey: .replicas)
        try values.encodeIfPresent(memoryStorage, forKey: .memoryStorage)
    }
}
