import FoundationEssentials
import Support
import Wire

/// A NATS object store bucket, laid out exactly as nats.go and nats-py lay it out, so that either can
/// read what ffrtmp writes and the other way round: the stream `OBJ_<bucket>` holds each object's
/// chunks on `$O.<bucket>.C.<nuid>` and its meta JSON (`ObjectInfo`) on `$O.<bucket>.M.<base64url(name)>`,
/// the meta published with `Nats-Rollup: sub` so the stream keeps only the latest one per name.
///
/// Calls block; every size from the network is checked against the caller's limit before it is used.
public final class ObjectStore: Sendable {
    public let bucket: String
    /// `OBJ_<bucket>`.
    public let stream: String
    let context: JetStreamContext

    /// The chunk size nats.go and nats-py use (128 KiB).
    public static let defaultChunkSize = 128 * 1024
    /// Object names longer than this are refused (they become one subject token in base64).
    public static let maximumNameLength = 255

    /// The bucket `bucket` through `context`, without asking the server anything.
    public init(context: JetStreamContext, bucket: String) throws(ObjectStoreError) {
        guard Self.isValidBucket(bucket) else { throw .invalidBucket(bucket) }
        self.context = context
        self.bucket = bucket
        stream = "OBJ_" + bucket
    }

    /// Letters, digits, `-` and `_` (nats.go's and nats-py's rule).
    public static func isValidBucket(_ bucket: String) -> Bool {
        !bucket.isEmpty && bucket.utf8.count <= 64
            && bucket.utf8.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 95 }
    }

    /// 1 to 255 bytes without control characters: nats.go takes any name (base64 makes it one subject
    /// token); callers with stricter needs (clip names) check their own rule first.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maximumNameLength && !name.utf8.contains { $0 < 32 || $0 == 127 }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// Makes the bucket's stream (or finds it, bringing its age and size limits to these), and returns the bucket.
    /// `maxAge` zero keeps objects until they are deleted; `maxBytes` -1 sets no size limit.
    public static func create(
        context: JetStreamContext, bucket: String, description: String? = nil, maxAge: Duration = .zero,
        maxBytes: Int64 = -1, storage: StreamConfig.StorageType = .file
    ) throws(ObjectStoreError) -> ObjectStore {
        let store = try ObjectStore(context: context, bucket: bucket)
        let config = BucketStreamConfig(
            name: store.stream, description: description,
            subjects: ["$O.\(bucket).C.>", "$O.\(bucket).M.>"], storage: storage.rawValue,
            maxAge: maxAge.nanoseconds, maxBytes: maxBytes)
        do {
            _ = try context.request("STREAM.CREATE." + store.stream, body: config, as: StreamInfo.self)
        } catch .server(_, streamNameInUseCode, _) {
            do {
                _ = try context.request("STREAM.UPDATE." + store.stream, body: config, as: StreamInfo.self)
            } catch {
                throw .jetStream(error)
            }
        } catch {
            throw .jetStream(error)
        }
        return store
    }

    /// The bucket `bucket`, after checking its stream exists (`.bucketNotFound` when it does not).
    public static func open(context: JetStreamContext, bucket: String) throws(ObjectStoreError) -> ObjectStore {
        let store = try ObjectStore(context: context, bucket: bucket)
        do {
            _ = try context.streamInfo(store.stream)
        } catch let error where error.isMissingStreamOrConsumer {
            throw .bucketNotFound(bucket)
        } catch {
            throw .jetStream(error)
        }
        return store
    }

    /// "stream name already in use with a different configuration" (10058).
    static let streamNameInUseCode = 10058

    /// The subject of `name`'s meta message.
    func metaSubject(_ name: String) -> String { "$O.\(bucket).M.\(Base64URL.encode(name))" }

    /// The subject of the chunks stored under `nuid`.
    func chunkSubject(_ nuid: String) -> String { "$O.\(bucket).C.\(nuid)" }

    /// The current meta of `name`; `.objectNotFound` when there is none or it was deleted (unless
    /// `includeDeleted`).
    public func info(_ name: String, includeDeleted: Bool = false) throws(ObjectStoreError) -> ObjectInfo {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        let stored: JetStreamContext.StoredMessage?
        do {
            stored = try context.lastMessage(stream: stream, subject: metaSubject(name))
        } catch let error where error.isMissingStreamOrConsumer {
            throw .bucketNotFound(bucket)
        } catch {
            throw .jetStream(error)
        }
        guard let stored else { throw .objectNotFound(bucket: bucket, name: name) }
        let info = try Self.decodeMeta(stored.payload)
        if info.deleted && !includeDeleted { throw .objectNotFound(bucket: bucket, name: name) }
        return info
    }

    /// A meta message's JSON, checked for what the reader relies on.
    static func decodeMeta(_ payload: [UInt8]) throws(ObjectStoreError) -> ObjectInfo {
        let info: ObjectInfo
        do {
            info = try JSONDecoder().decode(ObjectInfo.self, from: Data(payload))
        } catch {
            throw .badMeta("not object meta JSON: \(String(decoding: payload.prefix(120), as: UTF8.self))")
        }
        guard info.options?.link == nil else {
            throw .badMeta("\"\(info.name)\" is a link, which ffrtmp does not follow")
        }
        guard info.deleted || Subject.isPlainToken(info.nuid) else { throw .badMeta("bad nuid \"\(info.nuid)\"") }
        guard info.chunks >= 0 else { throw .badMeta("negative chunk count") }
        return info
    }

    /// Marks `name` deleted (a meta with `deleted: true`, rolled up over the old one) and purges its chunks.
    public func delete(_ name: String) throws(ObjectStoreError) {
        var info = try info(name)
        let nuid = info.nuid
        info.deleted = true
        info.size = 0
        info.chunks = 0
        info.digest = ""
        info.mtime = ""
        try publishMeta(info)
        try purge(subject: chunkSubject(nuid))
    }

    /// Every object in the bucket (latest meta per name), sorted by name; deleted ones only with `includeDeleted`.
    public func list(includeDeleted: Bool = false, timeout: Duration = .seconds(5)) throws(ObjectStoreError)
        -> [ObjectInfo]
    {
        let state: StreamState
        do {
            state = try context.streamInfo(stream).state
        } catch let error where error.isMissingStreamOrConsumer {
            throw .bucketNotFound(bucket)
        } catch {
            throw .jetStream(error)
        }
        guard state.messages > 0 else { return [] }
        var latest: [String: ObjectInfo] = [:]
        let reader = JetStreamOrderedConsumer(context: context, stream: stream, filter: "$O.\(bucket).M.>")
        try Self.drain(reader, timeout: timeout, what: "bucket \(bucket)'s meta", quietEnds: true) {
            message throws(ObjectStoreError) in
            // A meta that is not object meta is left out of a listing rather than failing it.
            if let info = try? Self.decodeMeta(message.payload) { latest[info.name] = info }
        }
        return latest.values.filter { includeDeleted || !$0.deleted }.sorted { $0.name < $1.name }
    }

    /// Feeds `handle` every message `reader` has, until the server says none is pending; `.incomplete`
    /// when no message arrives for `timeout`. With `quietEnds`, a first wait that brings nothing ends
    /// the read instead (a bucket whose stream holds chunks but no meta).
    static func drain(
        _ reader: JetStreamOrderedConsumer, timeout: Duration, what: String, quietEnds: Bool = false,
        _ handle: (JetStreamMessage) throws(ObjectStoreError) -> Void
    ) throws(ObjectStoreError) {
        var lastProgress = ContinuousClock.now
        var received = false
        while true {
            let batch: [JetStreamMessage]
            do {
                batch = try reader.poll(wait: .milliseconds(500))
            } catch {
                if ContinuousClock.now - lastProgress > timeout { throw .jetStream(error) }
                JetStreamContext.pause(.milliseconds(100))
                continue
            }
            if batch.isEmpty {
                if quietEnds && !received { return }
                if ContinuousClock.now - lastProgress > timeout {
                    throw .incomplete("no message of \(what) for \(timeout)")
                }
                continue
            }
            received = true
            lastProgress = ContinuousClock.now
            for message in batch {
                try handle(message)
                if message.metadata.pending == 0 { return }
            }
        }
    }

    /// Publishes `info` as its name's meta, replacing every earlier meta of that name.
    func publishMeta(_ info: ObjectInfo) throws(ObjectStoreError) {
        let payload: [UInt8]
        do {
            payload = Array(try JSONEncoder().encode(info))
        } catch {
            throw .badMeta("cannot encode meta: \(error)")
        }
        var headers = HeaderBlock()
        try? headers.set(name: "Nats-Rollup", value: "sub")
        do {
            try context.publish(metaSubject(info.name), payload: payload, headers: headers)
        } catch {
            throw .jetStream(error)
        }
    }

    /// Removes the bucket's messages on `subject` (`STREAM.PURGE` with a `filter`).
    func purge(subject: String) throws(ObjectStoreError) {
        struct Request: Encodable { var filter: String }
        struct Response: Decodable { var success: Bool? }
        let answer: Response
        do {
            answer = try context.request("STREAM.PURGE." + stream, body: Request(filter: subject), as: Response.self)
        } catch {
            throw .jetStream(error)
        }
        guard answer.success == true else { throw .jetStream(.malformedResponse("purge answered without success")) }
    }
}

/// The stream configuration of a bucket, with the fields `StreamConfig` leaves out that an object
/// store needs: rollup headers (for the meta) and direct gets, as nats.go creates it.
struct BucketStreamConfig: Encodable {
    var name: String
    var description: String?
    var subjects: [String]
    var retention = "limits"
    var storage: String
    var maxAge: Int64
    var maxBytes: Int64
    var maxMessages: Int64 = -1
    var maxMessagesPerSubject: Int64 = -1
    var discard = "new"
    var replicas = 1
    var allowRollup = true
    var allowDirect = true

    init(name: String, description: String?, subjects: [String], storage: String, maxAge: Int64, maxBytes: Int64) {
        self.name = name
        self.description = description
        self.subjects = subjects
        self.storage = storage
        self.maxAge = maxAge
        self.maxBytes = maxBytes
    }

    enum CodingKeys: String, CodingKey {
        case name, description, subjects, retention, storage, discard
        case maxAge = "max_age"
        case maxBytes = "max_bytes"
        case maxMessages = "max_msgs"
        case maxMessagesPerSubject = "max_msgs_per_subject"
        case replicas = "num_replicas"
        case allowRollup = "allow_rollup_hdrs"
        case allowDirect = "allow_direct"
    }
}
