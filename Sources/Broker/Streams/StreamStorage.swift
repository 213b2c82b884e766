import Store

/// One message as a stream holds it (the store's record: sequence, subject, headers, payload,
/// timestamp).
typealias StreamMessage = StoredMessage

/// Where a stream keeps its messages: the durable file store (`StreamStore`), or memory for
/// `storage: memory`. Used from the JetStream thread only. `append` and `remove` take effect at
/// once for readers but are durable only after `sync` — the group-commit point after which acks go
/// out. The shape is `StreamStore`'s, so the file store conforms as it is.
protocol StreamStorage: AnyObject {
    func append(subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64?) throws -> UInt64
    func sync() throws
    func message(at sequence: UInt64) throws -> StoredMessage?
    @discardableResult func remove(_ sequence: UInt64) throws -> Bool
    /// Removes every message; returns how many. Sequences keep counting from where they were.
    @discardableResult func purge() throws -> Int
    var state: StreamState { get }
    func contains(_ sequence: UInt64) -> Bool
    /// The first stored sequence after `sequence` whose subject passes `filter`, without loading payloads.
    func nextSequence(after sequence: UInt64, matching filter: (String) -> Bool) -> UInt64?
    /// How many stored messages after `sequence` pass `filter`.
    func count(after sequence: UInt64, matching filter: (String) -> Bool) -> Int
    /// The newest stored sequence on exactly `subject` (`Nats-Expected-Last-Subject-Sequence`,
    /// `last_by_subj`): a per-subject look-up, not a scan of the stream.
    func lastSequence(onSubject subject: String) -> UInt64?
    /// How many stored messages have exactly `subject` (kept per subject, not counted).
    func messageCount(onSubject subject: String) -> Int
    /// The newest stored sequence before `sequence` on exactly `subject` (a walk back that stops at
    /// the first match).
    func previousSequence(before sequence: UInt64, onSubject subject: String) -> UInt64?
    func close() throws
    /// Deletes everything on disk (stream deletion).
    func destroy() throws
}

extension StreamStore: StreamStorage {}

extension StoredMessage {
    /// Bytes a message counts against `max_bytes`: as the file store counts its records.
    static func storedSize(subject: String, headers: Int, payload: Int) -> Int64 {
        Int64(subject.utf8.count + headers + payload + 31)
    }
}
