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

    // MARK: - Reading

    /// The message with `sequence`, read back from its segment (or the write buffer); nil when it does
    /// not exist or was removed. Throws `corruptRecord` when the bytes on disk no longer match.
    public func message(at sequence: UInt64) throws(StoreError) -> StoredMessage? {
        try checkOpen()
        guard let entry = index.entry(for: sequence), let segment = segment(withID: entry.segment) else { return nil }
        let offset = Int64(entry.offset)
        let count = Int(entry.recordBytes)
        let record: ArraySlice<UInt8>
        if segment === active && offset >= writer.flushedEnd {
            record = try writer.read(at: offset, count: count)[...]
        } else {
            // Below these ends the file's bytes no longer change (until a rewrite swaps the file).
            let stable = segment === active ? writer.durableEnd : segment.validEnd
            if let block = try readAhead.read(segment.file, at: offset, count: count, limit: stable) {
                record = block
            } else {
                record = try RecordScanner.readChunk(segment.file, at: offset, count: count)[...]
            }
        }
        // The length field is not checked: a record repaired on open has a damaged one.
        let message: StoredMessage? = record.withUnsafeBytes { bytes in
            guard bytes.count == count, count > RecordFormat.frameBytes else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: bytes[RecordFormat.frameBytes...])
            guard CRC32C.checksum(body) == bytes.loadLittleEndian(at: 4, as: UInt32.self) else { return nil }
            return StreamRecord.decodeMessage(body)
        }
        guard let message, message.sequence == sequence else {
            throw .corruptRecord(path: segment.path, offset: offset)
        }
        return message
    }

    /// Counts, sequences and timestamps, without touching the disk.
    public var state: StreamState {
        let first = index.first
        return StreamState(
            messages: index.liveCount, bytes: liveBytes, firstSequence: first?.sequence ?? lastSequence + 1,
            lastSequence: lastSequence, firstTimestamp: first?.timestamp ?? 0, lastTimestamp: lastTimestamp)
    }

    /// Segment files in use (for monitoring and tests).
    public var segmentCount: Int { segments.count }

    /// Bytes of all segment files.
    public var diskBytes: Int64 { segments.reduce(0) { $0 + $1.validEnd } }

    // MARK: - Internals

    func checkOpen() throws(StoreError) {
        if isClosed { throw .closed(path: directory) }
    }

    func checkUsable() throws(StoreError) {
        try checkOpen()
        if let failure { throw failure }
    }

    /// The segment with `id`.
    func segment(withID id: UInt32) -> Segment? { findSegment(id, in: segments) }

    /// Accounts for a removed message: its subject, bytes, segment, and the tombstone's coverage.
    func forget(_ entry: IndexEntry) {
        subjects.release(entry.subject)
        liveBytes -= Int64(entry.recordBytes)
        guard let owner = segment(withID: entry.segment) else { return }
        owner.liveMessages -= 1
        owner.liveBytes -= Int64(entry.recordBytes)
        if owner !== active { active.coveredSegments[owner.id, default: 0] += 1 }
    }

    /// Starts a new segment first when a record of `recordBytes` would take the active one past its size,
    /// or when discarded messages left a gap in the sequences (`sequenceGapPending`).
    func makeRoom(for recordBytes: Int) throws(StoreError) {
        let end = writer.end
        let full = end > Int64(FileHeader.size) && end + Int64(recordBytes) > Int64(options.maximumSegmentBytes)
        guard full || sequenceGapPending else { return }
        try synchronizeActive()
        let segment = try createSegment(id: active.id + 1, removals: removalRanges())
        segments.append(segment)
        writer = RecordWriter(segment: segment, options: options)
        sequenceGapPending = false
    }

    /// Writes the buffer once it holds `writeBufferBytes`.
    func flushIfFull() throws(StoreError) {
        guard writer.buffer.count >= options.writeBufferBytes else { return }
        do { try writer.flush() } catch { throw discardUnsynced(after: error) }
    }

    /// Flushes and `fdatasync`s the active segment.
    func synchronizeActive() throws(StoreError) {
        do { try writer.synchronize() } catch { throw discardUnsynced(after: error) }
        unsyncedRemovals.removeAll(keepingCapacity: true)
    }

    /// Creates segment `id` holding a header and, when `removals` is not empty, a `removals` record,
    /// durable (file and directory entry) when this returns.
    func createSegment(id: UInt32, removals: [ClosedRange<UInt64>]) throws(StoreError) -> Segment {
        let path = joinPath(directory, Segment.fileName(id: id))
        let header = FileHeader(kind: .streamSegment, baseSequence: lastSequence, baseTimestamp: lastTimestamp)
        var bytes = header.encoded()
        let retainedBytes = removals.isEmpty ? 0 : StreamRecord.appendRemovals(to: &bytes, ranges: removals)
        let file = try fileSystem.openFile(path, creating: true)
        do throws(StoreError) {
            try file.truncate(to: 0)
            try bytes.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: 0) }
            try file.synchronize()
            try fileSystem.synchronizeDirectory(directory)
        } catch {
            file.close()
            try? fileSystem.removeFile(path)
            throw error
        }
        let segment = Segment(id: id, path: path, file: file, header: header, validEnd: Int64(bytes.count))
        segment.retainedBytes = Int64(retainedBytes)
        return segment
    }

    /// The sequences up to `lastSequence` that hold no live message, as ascending ranges, for the
    /// `removals` record at the start of a new segment: should a tombstone in an older segment be lost,
    /// this record still removes its message. At most `StreamRecord.maximumRemovalRanges`: the first
    /// range (everything below the first live message) and the newest others.
    func removalRanges() -> [ClosedRange<UInt64>] {
        var ranges: [ClosedRange<UInt64>] = []
        var next: UInt64 = 1
        for entry in index.entries[index.head...] where entry.isLive {
            if entry.sequence > next { ranges.append(next...entry.sequence - 1) }
            next = entry.sequence + 1
        }
        if next <= lastSequence { ranges.append(next...lastSequence) }
        let limit = StreamRecord.maximumRemovalRanges
        guard ranges.count > limit else { return ranges }
        return [ranges[0]] + ranges.suffix(limit - 1)
    }

    /// Undoes everything after the last durable point of the active segment after a failed write or
    /// sync: cuts the file, drops the appended messages from the index, and re-buffers the tombstones
    /// of removals whose messages are still there. Returns the error to throw.
    func discardUnsynced(after error: StoreError) -> StoreError {
        let segment = active
        do throws(StoreError) { try writer.discardUnsynced() } catch {
            let reason = "could not cut \(segment.path) back after \(error): \(error)"
            failure = .unusable(path: directory, reason: reason)
            logger.error("stream store unusable", ["dir": directory, "error": failure!])
            return failure!
        }
        let durableEnd = writer.durableEnd
        var dropped = 0
        while let last = index.entries.last, last.segment == segment.id, Int64(last.offset) >= durableEnd {
            let entry = index.popLast()!
            sequenceGapPending = true
            guard entry.isLive else { continue }
            subjects.release(entry.subject)
            liveBytes -= Int64(entry.recordBytes)
            segment.liveMessages -= 1
            segment.liveBytes -= Int64(entry.recordBytes)
            dropped += 1
        }
        let removals = unsyncedRemovals
        unsyncedRemovals.removeAll(keepingCapacity: true)
        for removal in removals where !(removal.segment == segment.id && Int64(removal.offset) >= durableEnd) {
            StreamRecord.appendRemoval(to: &writer.buffer, sequence: removal.sequence)
            unsyncedRemovals.append(removal)
        }
        segment.validEnd = writer.end
        logger.warning(
            "stream write failed, unsynced messages discarded",
            ["dir": directory, "error": error, "discarded": dropped, "tombstones_kept": unsyncedRemovals.count])
        return error
    }

    func releaseFiles() {
        guard !isClosed else { return }
        isClosed = true
        for segment in segments { segment.file.close() }
        lockFile?.close()
        lockFile = nil
    }
}

extension RecordWriter {
    /// The writer that appends to `segment`, after its trusted records.
    convenience init(segment: Segment, options: StreamStoreOptions) {
        self.init(
            file: segment.file, end: segment.validEnd, bufferCapacity: options.writeBufferBytes,
            preallocation: options.preallocationBytes, preallocationLimit: Int64(options.maximumSegmentBytes))
    }
}

/// The segment with `id` in `segments` (sorted by id), by binary search.
func findSegment(_ id: UInt32, in segments: [Segment]) -> Segment? {
    var low = 0
    var high = segments.count - 1
    while low <= high {
        let middle = (low + high) / 2
        let found = segments[middle].id
        if found == id { return segments[middle] }
        if found < id { low = middle + 1 } else { high = middle - 1 }
    }
    return nil
}
