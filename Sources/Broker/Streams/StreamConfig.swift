import FoundationEssentials

/// A stream's configuration as the JetStream API spells it (`$JS.API.STREAM.CREATE` bodies and
/// `config` in stream info). Absent fields take nats-server's defaults; fields we do not implement
/// are refused by `validate` with nats-server's error when they ask for something we cannot do.
struct StreamConfig: Codable, Equatable, Sendable {
    var name: String
    var description: String?
    var subjects: [String] = []
    var retention: RetentionPolicy = .limits
    var maxConsumers = -1
    var maxMessages: Int64 = -1
    var maxBytes: Int64 = -1
    /// Nanoseconds; 0: no limit.
    var maxAge: Int64 = 0
    var maxMessagesPerSubject: Int64 = -1
    var maxMessageSize: Int64 = -1
    var discard: DiscardPolicy = .old
    var storage: StorageType = .file
    var replicas = 1
    /// Nanoseconds over which `Nats-Msg-Id` de-duplicates.
    var duplicateWindow: Int64 = 120_000_000_000
    var noAck = false
    var sealed = false
    var denyDelete = false
    var denyPurge = false
    /// `allow_rollup_hdrs`: a publish may carry `Nats-Rollup: sub|all` (the object store's meta
    /// messages do).
    var allowRollup = false
    /// `allow_direct`: `$JS.API.DIRECT.GET.<stream>` answers reads with the message itself.
    var allowDirect = false
    var metadata: [String: String]?

    enum RetentionPolicy: String, Codable, Sendable { case limits, interest, workqueue }
    enum DiscardPolicy: String, Codable, Sendable { case old, new }
    enum StorageType: String, Codable, Sendable { case file, memory }

    enum CodingKeys: String, CodingKey {
        case name, description, subjects, retention, discard, storage, sealed, metadata
        case maxConsumers = "max_consumers"
        case maxMessages = "max_msgs"
        case maxBytes = "max_bytes"
        case maxAge = "max_age"
        case maxMessagesPerSubject = "max_msgs_per_subject"
        case maxMessageSize = "max_msg_size"
        case replicas = "num_replicas"
        case duplicateWindow = "duplicate_window"
        case noAck = "no_ack"
        case denyDelete = "deny_delete"
        case denyPurge = "deny_purge"
        case allowRollup = "allow_rollup_hdrs"
        case allowDirect = "allow_direct"
        case mirror, sources
    }

    init(name: String, subjects: [String]) {
        self.name = name
        self.subjects = subjects
    }

    init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        name = try values.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try values.decodeIfPresent(String.self, forKey: .description)
        subjects = try values.decodeIfPresent([String].self, forKey: .subjects) ?? []
        retention = try values.decodeIfPresent(RetentionPolicy.self, forKey: .retention) ?? .limits
        maxConsumers = try values.decodeIfPresent(Int.self, forKey: .maxConsumers) ?? -1
        maxMessages = try values.decodeIfPresent(Int64.self, forKey: .maxMessages) ?? -1
        maxBytes = try values.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? -1
        maxAge = try values.decodeIfPresent(Int64.self, forKey: .maxAge) ?? 0
        maxMessagesPerSubject = try values.decodeIfPresent(Int64.self, forKey: .maxMessagesPerSubject) ?? -1
        maxMessageSize = try values.decodeIfPresent(Int64.self, forKey: .maxMessageSize) ?? -1
        discard = try values.decodeIfPresent(DiscardPolicy.self, forKey: .discard) ?? .old
        storage = try values.decodeIfPresent(StorageType.self, forKey: .storage) ?? .file
        replicas = try values.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        // A negative max_age or duplicate_window stays negative so that validation refuses it.
        let window = try values.decodeIfPresent(Int64.self, forKey: .duplicateWindow) ?? 0
        duplicateWindowGiven = window != 0
        duplicateWindow = window != 0 ? window : 120_000_000_000
        noAck = try values.decodeIfPresent(Bool.self, forKey: .noAck) ?? false
        sealed = try values.decodeIfPresent(Bool.self, forKey: .sealed) ?? false
        denyDelete = try values.decodeIfPresent(Bool.self, forKey: .denyDelete) ?? false
        denyPurge = try values.decodeIfPresent(Bool.self, forKey: .denyPurge) ?? false
        allowRollup = try values.decodeIfPresent(Bool.self, forKey: .allowRollup) ?? false
        allowDirect = try values.decodeIfPresent(Bool.self, forKey: .allowDirect) ?? false
        metadata = try values.decodeIfPresent([String: String].self, forKey: .metadata)
        hasMirrorOrSources = values.contains(.mirror) || values.contains(.sources)
        if replicas == 0 { replicas = 1 }
        // nats-server: without a window, one no longer than max_age.
        if !duplicateWindowGiven && maxAge > 0 && maxAge < duplicateWindow { duplicateWindow = maxAge }
        // nats-server: zero or any negative limit means no limit, reported as -1.
        if maxMessages <= 0 { maxMessages = -1 }
        if maxBytes <= 0 { maxBytes = -1 }
        if maxConsumers <= 0 { maxConsumers = -1 }
        if maxMessagesPerSubject <= 0 { maxMessagesPerSubject = -1 }
        if maxMessageSize <= 0 { maxMessageSize = -1 }
    }

    /// Set when the request asked for mirroring or sourcing, which we do not implement.
    private(set) var hasMirrorOrSources = false
    /// Whether the request set `duplicate_window` itself.
    private(set) var duplicateWindowGiven = false

    func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(name, forKey: .name)
        try values.encodeIfPresent(description, forKey: .description)
        try values.encode(subjects, forKey: .subjects)
        try values.encode(retention, forKey: .retention)
        try values.encode(maxConsumers, forKey: .maxConsumers)
        try values.encode(maxMessages, forKey: .maxMessages)
        try values.encode(maxBytes, forKey: .maxBytes)
        try values.encode(maxAge, forKey: .maxAge)
        try values.encode(maxMessagesPerSubject, forKey: .maxMessagesPerSubject)
        try values.encode(maxMessageSize, forKey: .maxMessageSize)
        try values.encode(discard, forKey: .discard)
        try values.encode(storage, forKey: .storage)
        try values.encode(replicas, forKey: .replicas)
        try values.encode(duplicateWindow, forKey: .duplicateWindow)
        if noAck { try values.encode(noAck, forKey: .noAck) }
        try values.encode(sealed, forKey: .sealed)
        try values.encode(denyDelete, forKey: .denyDelete)
        try values.encode(denyPurge, forKey: .denyPurge)
        try values.encode(allowRollup, forKey: .allowRollup)
        try values.encode(allowDirect, forKey: .allowDirect)
        try values.encodeIfPresent(metadata, forKey: .metadata)
    }

    static func == (left: StreamConfig, right: StreamConfig) -> Bool {
        left.name == right.name && left.description == right.description && left.subjects == right.subjects
            && left.retention == right.retention && left.maxConsumers == right.maxConsumers
            && left.maxMessages == right.maxMessages && left.maxBytes == right.maxBytes && left.maxAge == right.maxAge
            && left.maxMessagesPerSubject == right.maxMessagesPerSubject
            && left.maxMessageSize == right.maxMessageSize && left.discard == right.discard
            && left.storage == right.storage && left.replicas == right.replicas
            && left.duplicateWindow == right.duplicateWindow && left.noAck == right.noAck
            && left.sealed == right.sealed && left.denyDelete == right.denyDelete && left.denyPurge == right.denyPurge
            && left.allowRollup == right.allowRollup && left.allowDirect == right.allowDirect
    }
}
