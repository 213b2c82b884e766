/// Settings of a `StreamStore`.
public struct StreamStoreOptions: Sendable, Equatable {
    /// A new segment is started when the next record would take the active one past this size
    /// (a single larger record still gets a segment of its own). 1 KiB … 1 GiB; default 16 MiB.
    public var maximumSegmentBytes: Int = 16 << 20
    /// Appended records are collected in memory and written (`pwrite`) once this many bytes wait, or
    /// at `sync()`. Default 256 KiB.
    public var writeBufferBytes: Int = 256 << 10
    /// The largest message record accepted (subject, headers, payload and 31 bytes of framing).
    /// At most 64 MiB; default 8 MiB.
    public var maximumMessageBytes: Int = 8 << 20
    /// A finished segment is rewritten without its dead records when at least this fraction of it
    /// could be reclaimed (0 < fraction ≤ 1; default 0.5).
    public var rewriteFraction: Double = 0.5
    /// Segments smaller than this are never rewritten (they are deleted once fully dead). Default 1 MiB.
    public var rewriteMinimumBytes: Int = 1 << 20
    /// When above 0, the active segment is written with zeros this many bytes ahead of its records
    /// (never past `maximumSegmentBytes`), so a `sync()` overwrites bytes the file already has and
    /// its `fdatasync` need not record a new file size: on ext4 one block write per sync instead of
    /// two (docs/benchmarks.md). Opening reads the zeros after the last record as the end
    /// (`RecordFormat`). Default 0 (off); the broker uses 1 MiB.
    public var preallocationBytes: Int = 0

    public init() {}

    /// Throws `invalidOptions` naming the first setting out of range.
    func validate() throws(StoreError) {
        guard maximumSegmentBytes >= 1 << 10, maximumSegmentBytes <= 1 << 30 else {
            throw .invalidOptions("maximumSegmentBytes \(maximumSegmentBytes) is outside 1 KiB…1 GiB")
        }
        guard writeBufferBytes >= 0 else { throw .invalidOptions("writeBufferBytes must not be negative") }
        guard maximumMessageBytes >= 64, maximumMessageBytes <= 64 << 20 else {
            throw .invalidOptions("maximumMessageBytes \(maximumMessageBytes) is outside 64 B…64 MiB")
        }
        guard rewriteFraction > 0, rewriteFraction <= 1 else {
            throw .invalidOptions("rewriteFraction \(rewriteFraction) is outside (0, 1]")
        }
        guard rewriteMinimumBytes >= 0 else { throw .invalidOptions("rewriteMinimumBytes must not be negative") }
        guard preallocationBytes >= 0, preallocationBytes <= 1 << 30 else {
            throw .invalidOptions("preallocationBytes \(preallocationBytes) is outside 0…1 GiB")
        }
    }
}

/// What a stream holds, as JetStream's stream info reports it.
public struct StreamState: Equatable, Sendable {
    /// Live messages.
    public var messages: Int
    /// Size of the live messages' records on disk (subject + headers + payload + 31 bytes each).
    public var bytes: Int64
    /// The first live sequence, or `lastSequence + 1` when the stream is empty.
    public var firstSequence: UInt64
    /// The last sequence ever assigned (it stays when that message is removed).
    public var lastSequence: UInt64
    /// Timestamp of the first live message, 0 when empty.
    public var firstTimestamp: Int64
    /// Timestamp of the last message ever appended, 0 when none is known.
    public var lastTimestamp: Int64

    public init(
        messages: Int, bytes: Int64, firstSequence: UInt64, lastSequence: UInt64,
        firstTimestamp: Int64, lastTimestamp: Int64
    ) {
        self.messages = messages
        self.bytes = bytes
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
    }
}
