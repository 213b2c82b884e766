/// One message as a stream holds it.
struct StreamMessage: Sendable {
    var sequence: UInt64
    /// Nanoseconds since the Unix epoch, when the stream stored it.
    var timestamp: Int64
    var subject: String
    /// The raw NATS header block (`NATS/1.0\r\n…\r\n\r\n`), empty when there are none.
    var headers: [UInt8]
    var payload: [UInt8]

    /// Bytes counted against `max_bytes`, as nats-server counts them (subject, headers, payload
    /// and a fixed per-record overhead).
    var storedSize: Int { subject.utf8.count + headers.count + payload.count + 16 }
}

/// Counters of what a stream holds.
struct StreamStorageState: Sendable, Equatable {
    var messages: UInt64 = 0
    var bytes: UInt64 = 0
    var firstSequence: UInt64 = 0
    var firstTimestamp: Int64 = 0
    var lastSequence: UInt64 = 0
    var lastTimestamp: Int64 = 0
}

/// Where a stream keeps its messages: the durable file store, or memory for `storage: memory`.
/// Used from the JetStream thread only. `append` and `remove` take effect at once for readers but
/// are durable only after `sync` (the group-commit point: acks go out after it).
protocol StreamStorage: AnyObject {
    func append(subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64) throws -> UInt64
    func sync() throws
    func message(at sequence: UInt64) throws -> StreamMessage?
    @discardableResult func remove(_ sequence: UInt64) throws -> Bool
    /// Removes every message; returns how many. Sequences keep counting from where they were.
    func purge() throws -> UInt64
    var state: StreamStorageState { get }
    /// The first stored sequence ≥ `sequence` whose subject passes `filter`, without loading payloads.
    func nextSequence(from sequence: UInt64, matching filter: (String) -> Bool) -> UInt64?
    /// How many stored messages with sequence ≥ `sequence` pass `filter`.
    func count(from sequence: UInt64, matching filter: (String) -> Bool) -> UInt64
    /// Subject and timestamp of a stored message, without its payload.
    func summary(at sequence: UInt64) -> (subject: String, timestamp: Int64, size: Int)?
    /// Releases files; the store is unusable afterwards.
    func close()
    /// Deletes everything on disk (stream deletion).
    func destroy() throws
}
