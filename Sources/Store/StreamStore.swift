import Support

/// The durable message store of one stream: append-only segment files of checksummed records in one
/// directory (format in `RecordFormat`), an in-memory index, and group commit.
///
/// Durability contract: `append` and `remove` only buffer their records; `sync()` makes everything
/// before it durable with one `fdatasync`. The broker appends a batch, calls `sync()` once, then
/// acknowledges the whole batch.
///
/// If a write or sync fails (`append`, `remove` or `sync` throws), every message that was not durable
/// yet is discarded (the file is cut back to its last durable point) and the error is thrown. Messages
/// of the batch that were already durable stay, because starting a new segment syncs the finished
/// one; so after a failure the batch's messages that `contains` still reports are durable and may be
/// acknowledged, and the others are gone. Discarded sequence numbers are not reused while the store
/// stays open, and the next write starts a new segment whose header keeps them counted across a
/// restart. Removals are kept: their tombstones are written again with the next sync.
///
/// Releasing the last reference without `close()` closes the files without syncing, which loses
/// unsynced records exactly as a crash would.
///
/// Not thread-safe: the broker calls a store from one dedicated thread only (the type is deliberately
/// not `Sendable`).
public final class StreamStore {
    public let directory: String
    public let options: StreamStoreOptions
    /// What opening the store found and repaired.
    public internal(set) var recoveryReport: RecoveryReport

    let fileSystem: any FileSystem
    let logger: Logger
    var lockFile: (any StorageFile)?
    /// Segments in id order; the last one is the active segment that appends go to.
    var segments: [Segment]
    var writer: RecordWriter
    var index: MessageIndex
    var subjects: SubjectTable
    var lastSequence: UInt64
    var lastTimestamp: Int64
    var liveBytes: Int64
    /// Removals whose tombstones are not durable yet, with where their message was, so a failed write
    /// can put the tombstones back.
    var unsyncedRemovals: [(sequence: UInt64, segment: UInt32, offset: UInt32)] = []
    /// Set when discarded messages left sequences handed out but not on disk: the next append or
    /// removal starts a new segment, whose header keeps the last sequence handed out, so that a
    /// damaged record after the gap can never make recovery settle on a lower last sequence.
    var sequenceGapPending = false
    /// Set when a failure could not be undone; every later call throws it.
    var failure: StoreError?
    var isClosed = false
    /// The last block read for `message(at:)`.
    var readAhead = ReadAhead()

    init(
        directory: String, options: StreamStoreOptions, logger: Logger, fileSystem: any FileSystem,
        lockFile: any StorageFile, recovered: RecoveredStream
    ) {
        self.directory = directory
        self.options = options
        self.logger = logger
        self.fileSystem = fileSystem
        self.lockFile = lockFile
        recoveryReport = recovered.report
        segments = recovered.segments
        let active = recovered.segments[recovered.segments.count - 1]
        writer = RecordWriter(segment: active, options: options)
        index = recovered.index
        subjects = recovered.subjects
        lastSequence = recovered.lastSequence
        lastTimestamp = recovered.lastTimestamp
        liveBytes = recovered.liveBytes
    }

    deinit { releaseFiles() }

    /// The segment appends go to.
    var active: Segment { segments[segments.count - 1] }

    // MARK: - Writing

    /// Appends a message and returns its sequence. The record is buffered, not durable until `sync()`.
    public func append(
        subject: String, headers: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, timestamp: Int64
    ) throws(StoreError) -> UInt64 {
        try checkUsable()
        let subjectBytes = subject.utf8.count
        guard subjectBytes > 0, subjectBytes <= StreamRecord.maximumSubjectBytes else {
            throw .invalidSubject(subject)
        }
        let recordBytes = StreamRecord.messageRecordBytes(
            subjectBytes: subjectBytes, headerBytes: headers.count, payloadBytes: payload.count)
        guard recordBytes <= options.maximumMessageBytes else {
            throw .recordTooLarge(bytes: recordBytes, limit: options.maximumMessageBytes)
        }
        guard lastSequence < StreamRecord.largestSequence else {
            throw .unusable(path: directory, reason: "no sequence is left after \(lastSequence)")
        }
        try makeRoom(for: recordBytes)
        let sequence = lastSequence + 1
        let segment = active
        let offset = writer.end
        StreamRecord.appendMessage(
            to: &writer.buffer, sequence: sequence, timestamp: timestamp, subject: subject, headers: headers,
            payload: payload)
        index.append(
            IndexEntry(
                sequence: sequence, timestamp: timestamp, segment: segment.id, offset: UInt32(offset),
                recordBytes: UInt32(recordBytes), subject: subjects.retain(subject, sequence: sequence)))
        segment.noteMessage(sequence: sequence, recordBytes: recordBytes)
        segment.validEnd = writer.end
        liveBytes += Int64(recordBytes)
        lastSequence = sequence
        lastTimestamp = timestamp
        try flushIfFull()
        return sequence
    }

    /// Appends a message given as arrays; `timestamp` defaults to the wall clock.
    @discardableResult
    public func append(
        subject: String, headers: [UInt8] = [], payload: [UInt8], timestamp: Int64? = nil
    ) throws(StoreError) -> UInt64 {
        let time = timestamp ?? Int64(bitPattern: Clock.wallNanoseconds())
        let outcome: Result<UInt64, StoreError> = headers.withUnsafeBytes { headerBytes in
            payload.withUnsafeBytes { payloadBytes in
                do throws(StoreError) {
                    return .success(
                        try append(subject: subject, headers: headerBytes, payload: payloadBytes, timestamp: time))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try outcome.get()
    }

    /// Removes a message by writing its tombstone twice (durable after the next `sync()`); false when there is
    /// no live message with that sequence. If this throws, the message stays removed in memory and its
    /// tombstone is written again by the next `sync()`.
    @discardableResult
    public func remove(_ sequence: UInt64) throws(StoreError) -> Bool {
        try checkUsable()
        guard index.entry(for: sequence) != nil else { return false }
        try makeRoom(for: StreamRecord.removalBytes)
        // Look again: a failed roll may have discarded the message.
        guard let position = index.position(of: sequence), index.entries[position].isLive else { return false }
        StreamRecord.appendRemoval(to: &writer.buffer, sequence: sequence)
        active.validEnd = writer.end
        let entry = index.remove(at: position)
        forget(entry)
        unsyncedRemovals.append((sequence, entry.segment, entry.offset))
        index.compactIfSparse()
        try flushIfFull()
        return true
    }

    /// Makes every record appended or removed so far durable (the group-commit point), then deletes or
    /// rewrites segments that no longer hold live messages. A compaction failure is logged, not thrown:
    /// the data is durable either way.
    public func sync() throws(StoreError) {
        try checkUsable()
        try synchronizeActive()
        do { try compact() } catch {
            logger.warning("stream compaction failed", ["dir": directory, "error": error])
        }
    }

    /// Removes every message. The last sequence is kept (the next append continues after it). Durable
    /// when this returns.
    @discardableResult
    public func purge() throws(StoreError) -> Int {
        try checkUsable()
        let purged = index.liveCount
        // The new segment says that every sequence so far is removed, so a crash part way through the
        // deletions below cannot bring purged messages back.
        let replacement = try createSegment(id: active.id + 1, removals: lastSequence > 0 ? [1...lastSequence] : [])
        let old = segments
        segments = [replacement]
        writer = RecordWriter(segment: replacement, options: options)
        index.removeAll()
        subjects.removeAll()
        liveBytes = 0
        unsyncedRemovals.removeAll()
        // Oldest first, each removal durable before the next, so a crash never leaves a newer file (whose
        // tombstones hide messages of an older one) deleted while the older one survives.
        for segment in old {
            segment.file.close()
            do throws(StoreError) {
                try fileSystem.removeFile(segment.path)
                try fileSystem.synchronizeDirectory(directory)
            } catch {
                logger.error("purge could not delete a segment", ["path": segment.path, "error": error])
            }
        }
        return purged
    }

    /// Syncs and releases the files and the directory lock. Files are released even when the sync fails.
    public func close() throws(StoreError) {
        guard !isClosed else { return }
        defer { releaseFiles() }
        if failure == nil { try synchronizeActive() }
    }

    /// Closes the store (without syncing) and deletes its directory with everything in it.
    public func destroy() throws(StoreError) {
        releaseFiles()
        try fileSystem.removeRecursively(directory)
        try fileSystem.synchronizeDirectory(parentDirectory(of: directory))
    }

    // MARK: - Internals

    func checkOpen() throws(StoreError) {
        if isClosed { throw .closed(path: directory) }
    }

    func checkUsable() throws(StoreError) {
        try checkOpen()
        if let failure { throw failure }
    }

    /// Accounts for a removed message: its subject, bytes, segment, and the tombstone's coverage.
    func forget(_ entry: IndexEntry) {
        subjects.release(entry.subject)
        liveBytes -= Int64(entry.recordBytes)
        guard let owner = segment(withID: entry.segment) else { return }
        owner.liveMessages -= 1
        owner.liveBytes -= Int64(entry.recordBytes)
        if owner !== active { active.coveredSegments[owner.id, default: 0] += 1 }
    }

    func releaseFiles() {
        guard !isClosed else { return }
        isClosed = true
        for segment in segments { segment.file.close() }
        lockFile?.close()
        lockFile = nil
    }
}
