import FoundationEssentials

/// A stream as the server reports it (`$JS.API.STREAM.INFO` and create/update answers).
public struct StreamInfo: Decodable, Equatable, Sendable {
    public var config: StreamConfig
    /// RFC 3339 creation time, as the server wrote it.
    public var created: String
    public var state: StreamState
    /// True when a create request made the stream (false: it existed with the same config).
    public var didCreate: Bool

    enum CodingKeys: String, CodingKey {
        case config, created, state
        case didCreate = "did_create"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        config = try values.decode(StreamConfig.self, forKey: .config)
        created = try values.value(.created, or: "")
        state = try values.value(.state, or: StreamState())
        didCreate = try values.value(.didCreate, or: false)
    }
}

/// What a stream holds.
public struct StreamState: Decodable, Equatable, Sendable {
    public var messages: UInt64 = 0
    public var bytes: UInt64 = 0
    public var firstSequence: UInt64 = 0
    public var lastSequence: UInt64 = 0
    public var consumerCount = 0

    enum CodingKeys: String, CodingKey {
        case messages, bytes
        case firstSequence = "first_seq"
        case lastSequence = "last_seq"
        case consumerCount = "consumer_count"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        messages = try values.value(.messages, or: 0)
        bytes = try values.value(.bytes, or: 0)
        firstSequence = try values.value(.firstSequence, or: 0)
        lastSequence = try values.value(.lastSequence, or: 0)
        consumerCount = try values.value(.consumerCount, or: 0)
    }
}

/// A consumer as the server reports it (`$JS.API.CONSUMER.INFO` and create answers).
public struct ConsumerInfo: Decodable, Equatable, Sendable {
    public var streamName: String
    public var name: String
    public var config: ConsumerConfig
    /// The last message delivered: its consumer and stream sequences.
    public var delivered: SequencePair
    /// Every message up to here is acknowledged.
    public var ackFloor: SequencePair
    /// Delivered and not yet acknowledged.
    public var ackPending: Int
    public var redelivered: Int
    /// Pull requests waiting for messages.
    public var waiting: Int
    /// Messages not yet delivered.
    public var pending: UInt64

    /// A position in the consumer's and the stream's numbering.
    public struct SequencePair: Decodable, Equatable, Sendable {
        public var consumerSequence: UInt64 = 0
        public var streamSequence: UInt64 = 0

        enum CodingKeys: String, CodingKey {
            case consumerSequence = "consumer_seq"
            case streamSequence = "stream_seq"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            consumerSequence = try values.value(.consumerSequence, or: 0)
            streamSequence = try values.value(.streamSequence, or: 0)
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, config, delivered
        case streamName = "stream_name"
        case ackFloor = "ack_floor"
        case ackPending = "num_ack_pending"
        case redelivered = "num_redelivered"
        case waiting = "num_waiting"
        case pending = "num_pending"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        streamName = try values.value(.streamName, or: "")
        name = try values.value(.name, or: "")
        config = try values.decode(ConsumerConfig.self, forKey: .config)
        delivered = try values.value(.delivered, or: SequencePair())
        ackFloor = try values.value(.ackFloor, or: SequencePair())
        ackPending = try values.value(.ackPending, or: 0)
        redelivered = try values.value(.redelivered, or: 0)
        waiting = try values.value(.waiting, or: 0)
        pending = try values.value(.pending, or: 0)
    }
}

/// The account's JetStream usage (`$JS.API.INFO`).
public struct AccountInfo: Decodable, Equatable, Sendable {
    public var memory: UInt64
    public var storage: UInt64
    public var streams: Int
    public var consumers: Int
    /// The JetStream domain, when the server has one.
    public var domain: String?
    /// API requests served and refused.
    public var apiTotal: Int
    public var apiErrors: Int

    enum CodingKeys: String, CodingKey { case memory, storage, streams, consumers, domain, api }

    private struct API: Decodable {
        var total: Int?
        var errors: Int?
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        memory = try values.value(.memory, or: 0)
        storage = try values.value(.storage, or: 0)
        streams = try values.value(.streams, or: 0)
        consumers = try values.value(.consumers, or: 0)
        domain = try values.decodeIfPresent(String.self, forKey: .domain)
        let api = try values.decodeIfPresent(API.self, forKey: .api)
        apiTotal = api?.total ?? 0
        apiErrors = api?.errors ?? 0
    }
}

/// The stream's answer to a publish: where the message was stored.
public struct PublishAck: Decodable, Equatable, Sendable {
    public var stream: String
    public var sequence: UInt64
    /// True when a message with the same `Nats-Msg-Id` was stored within the duplicate window:
    /// `sequence` is that message's, and nothing new was stored.
    public var duplicate: Bool
    public var domain: String?

    enum CodingKeys: String, CodingKey {
        case stream, duplicate, domain
        case sequence = "seq"
    }

    public init(stream: String, sequence: UInt64, duplicate: Bool = false, domain: String? = nil) {
        self.stream = stream
        self.sequence = sequence
        self.duplicate = duplicate
        self.domain = domain
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        stream = try values.decode(String.self, forKey: .stream)
        sequence = try values.value(.sequence, or: 0)
        duplicate = try values.value(.duplicate, or: false)
        domain = try values.decodeIfPresent(String.self, forKey: .domain)
    }
}
