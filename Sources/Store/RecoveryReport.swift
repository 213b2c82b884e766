/// A file, or a stretch of one, that recovery did not trust.
public struct DamagedFile: Equatable, Sendable {
    public var path: String
    /// Where trust stopped; records before it were used.
    public var offset: Int64
    /// Bytes from `offset` to the end of the file that were ignored or cut.
    public var bytes: Int64
    public var reason: DamageReason
    /// True when the bytes were cut off (a torn tail of the active file); false when they were left as
    /// they are and stepped over (the records after them, if any, were used).
    public var truncated: Bool
}

/// What opening a store found and repaired; also logged as one line.
public struct RecoveryReport: Equatable, Sendable, CustomStringConvertible {
    /// Files read (segments, or the consumer log).
    public var filesScanned = 0
    /// Good records read (messages and tombstones, or consumer records).
    public var recordsScanned = 0
    /// Bytes cut from the tail of the active file.
    public var truncatedBytes: Int64 = 0
    /// Records, whole or partial, in those bytes (counted by following their length fields).
    public var truncatedRecords = 0
    /// Damaged records stepped over (counted by following their length fields) while the records after
    /// them were kept, and their bytes. Messages among them are lost.
    public var skippedRecords = 0
    public var skippedBytes: Int64 = 0
    /// Records whose length field was damaged but whose body matched its checksum, used as they were.
    public var repairedRecords = 0
    /// Every damaged stretch, with where and why trust stopped.
    public var damagedFiles: [DamagedFile] = []
    /// Leftover `*.tmp` files of an interrupted rewrite that were removed.
    public var removedTemporaryFiles = 0
    /// Segments deleted by the compaction that runs after recovery.
    public var deletedSegments = 0

    public init() {}

    /// True when nothing was damaged.
    public var isClean: Bool { damagedFiles.isEmpty && repairedRecords == 0 }

    public var description: String {
        var text =
            "files=\(filesScanned) records=\(recordsScanned) truncated_bytes=\(truncatedBytes)"
            + " truncated_records=\(truncatedRecords) skipped_records=\(skippedRecords)"
            + " skipped_bytes=\(skippedBytes) repaired_records=\(repairedRecords)"
            + " temporary_files_removed=\(removedTemporaryFiles)"
        for damage in damagedFiles {
            text +=
                " damaged=\(damage.path)@\(damage.offset)+\(damage.bytes)(\(damage.reason.rawValue)"
                + (damage.truncated ? ",cut)" : ",ignored)")
        }
        return text
    }
}
