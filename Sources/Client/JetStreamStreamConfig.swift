import FoundationEssentials
import Net

/// A stream's configuration with the JetStream API's field names (`$JS.API.STREAM.CREATE` bodies and
/// `config` in stream info). Limits use nats-server's conventions: -1 (or zero durations) for none.
/// Decoding is lenient: unknown fields are ignored and absent ones take nats-server's defaults.
public struct StreamConfig: Codable, Equatable, Sendable {
    public var name: String
    public var description: String?
    public var subjects: [String]
    public var retention: RetentionPolicy
    public var storage: StorageType
    /// Messages kept at most (-1: no limit).
    public var maxMessages: Int64
    /// Bytes kept at most (-1: no limit).
    public var maxBytes: Int64
    /// Messages older than this are removed (zero: kept forever).
    public var maxAge: Duration
    /// Messages kept per subject (-1: no limit); ffrtmp's CONTROL stream keeps one.
    public var maxMessagesPerSubject: Int64
    /// Largest message accepted (-1: the server's max_payload).
    public var maxMessageSize: Int32
    public var discard: DiscardPolicy
    /// Publishes with a `Nats-Msg-Id` seen within this window are stored once. Zero leaves it to the
    /// server (2 minutes; nats-server shortens it to `maxAge` when that is shorter, and refuses an
    /// explicit window longer than `maxAge`).
    public var duplicateWindow: Duration
    public var replicas: Int
    /// Stores without answering the publisher: required on `$JS.` subjects, where the server
    /// itself publishes (advisories) and a reply would go nowhere.
    public var noAck: Bool

    /// When messages leave a stream.
    public enum RetentionPolicy: String, Codable, Sendable {
        /// Kept until a limit (count, bytes, age) removes them.
        case limits
        /// Kept while a consumer has not acknowledged them.
        case interest
        /// Removed once a consumer acknowledges them; one consumer per subject.
        case workqueue
    }

    /// Where a stream keeps its messages.
    public enum StorageType: String, Codable, Sendable { case file, memory }

    /// What a full stream does with a new message.
    public enum DiscardPolicy: String, Codable, Sendable {
        /// Removes the oldest messages to make room.
        case old
        /// Refuses the new message.
        case new
    }

    public init(
        name: String, subjects: [String] = [], retention: RetentionPolicy = .limits,
        storage: StorageType = .file, maxMessages: Int64 = -1, maxBytes: Int64 = -1, maxAge: Duration = .zero,
        maxMessagesPerSubject: Int64 = -1, maxMessageSize: Int32 = -1, discard: DiscardPolicy = .old,
        duplicateWindow: Duration = .zero, replicas: Int = 1, noAck: Bool = false
    ) {
        self.name = name
        self.subjects = subjects
        self.retention = retention
        self.storage = storage
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.maxMessagesPerSubject = maxMessagesPerSubject
        self.maxMessageSize = maxMessageSize
        self.discard = discard
        self.duplicateWindow = duplicateWindow
        self.replicas = replicas
        self.noAck = noAck
    }

    enum CodingKeys: String, CodingKey {
        case name, description, subjects, retention, storage, discard
        case maxMessages = "max_msgs"
        case maxBytes = "max_bytes"
        case maxAge = "max_age"
        case maxMessagesPerSubject = "max_msgs_per_subject"
        case maxMessageSize = "max_msg_size"
        case duplicateWindow = "duplicate_window"
        case replicas = "num_replicas"
        case noAck = "no_ack"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        name = try values.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try values.decodeIfPresent(String.self, forKey: .description)
        subjects = try values.decodeIfPresent([String].self, forKey: .subjects) ?? []
        retention = try values.decodeIfPresent(RetentionPolicy.self, forKey: .retention) ?? .limits
        storage = try values.decodeIfPresent(StorageType.self, forKey: .storage) ?? .file
        maxMessages = try values.decodeIfPresent(Int64.self, forKey: .maxMessages) ?? -1
        maxBytes = try values.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? -1
        maxAge = .nanoseconds(try values.decodeIfPresent(Int64.self, forKey: .maxAge) ?? 0)
        maxMessagesPerSubject = try values.decodeIfPresent(Int64.self, forKey: .maxMessagesPerSubject) ?? -1
        maxMessageSize = try values.decodeIfPresent(Int32.self, forKey: .maxMessageSize) ?? -1
        discard = try values.decodeIfPresent(DiscardPolicy.self, forKey: .discard) ?? .old
        duplicateWindow = .nanoseconds(try values.decodeIfPresent(Int64.self, forKey: .duplicateWindow) ?? 0)
        replicas = try values.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        noAck = try values.decodeIfPresent(Bool.self, forKey: .noAck) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(name, forKey: .name)
        try values.encodeIfPresent(description, forKey: .description)
        try values.encode(subjects, forKey: .subjects)
        try values.encode(retention, forKey: .retention)
        try values.encode(storage, forKey: .storage)
        try values.encode(maxMessages, forKey: .maxMessages)
        try values.encode(maxBytes, forKey: .maxBytes)
        try values.encode(maxAge.nanoseconds, forKey: .maxAge)
        try values.encode(maxMessagesPerSubject, forKey: .maxMessagesPerSubject)
        try values.encode(maxMessageSize, forKey: .maxMessageSize)
        try values.encode(discard, forKey: .discard)
        if duplicateWindow > .zero { try values.encode(duplicateWindow.nanoseconds, forKey: .duplicateWindow) }
        try values.encode(replicas, forKey: .replicas)
        if noAck { try values.encode(noAck, forKey: .noAck) }
    }
}
