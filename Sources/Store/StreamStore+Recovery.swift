import Support

/// What recovery rebuilds before the store object exists.
struct RecoveredStream {
    var segments: [Segment] = []
    var index = MessageIndex()
    var subjects = SubjectTable()
    var lastSequence: UInt64 = 0
    var lastTimestamp: Int64 = 0
    var liveBytes: Int64 = 0
    var report = RecoveryReport()
    /// Skipped stretches, since the last trusted message or segment header, that may each have held a
    /// message with a higher sequence than any known.
    var unaccountedMessages = 0
    /// The highest sequence the segment scanned last proves was assigned: its header's base, or a
    /// record's sequence. When it is below `lastSequence`, an older segment proves that, and it may be
    /// deleted once it holds no message.
    var provenByLastSegment: UInt64 = 0

    func segment(withID id: UInt32) -> Segment? { findSegment(id, in: segments) }

    /// Applies a removal found in `segment`: the message goes from the index, and when it lives in an
    /// older segment, `segment` now covers it.
    mutating func removeMessage(_ sequence: UInt64, recordedIn segment: Segment) {
        // A removal whose message is gone (its segment deleted or rewritten) has nothing to do.
        guard let position = index.position(of: sequence), index.entries[position].isLive else { return }
        let entry = index.remove(at: position)
        subjects.release(entry.subject)
        liveBytes -= Int64(entry.recordBytes)
        guard let owner = self.segment(withID: entry.segment) else { return }
        owner.liveMessages -= 1
        owner.liveBytes -= Int64(entry.recordBytes)
        if owner !== segment { segment.coveredSegments[owner.id, default: 0] += 1 }
    }
}

extension StreamStore {
    /// Opens the stream in `directory`, creating it when missing, or recovers it: every segment is
    /// scanned and checked, the index rebuilt and tombstones applied. A torn or corrupt tail of the
    /// last segment is cut off; a damaged older segment is trusted up to the damage only. The result is
    /// in `recoveryReport` and logged as one line. Throws `locked` when another store has it open.
    public static func open(
        directory: String, options: StreamStoreOptions = StreamStoreOptions(), logger: Logger,
        fileSystem: any FileSystem = PosixFileSystem()
    ) throws(StoreError) -> StreamStore {
        try options.validate()
        let started = Clock.monotonicNanoseconds()
        try fileSystem.createDirectory(directory)
        let lockFile = try fileSystem.openFile(joinPath(directory, "LOCK"), creating: true)
        var recovered = RecoveredStream()
        do throws(StoreError) {
            guard try lockFile.tryLock() else { throw StoreError.locked(path: directory) }
            try recover(directory: directory, fileSystem: fileSystem, into: &recovered)
        } catch {
            for segment in recovered.segments { segment.file.close() }
            lockFile.close()
            throw error
        }
        let store = StreamStore(
            directory: directory, options: options, logger: logger, fileSystem: fileSystem, lockFile: lockFile,
            recovered: recovered)
        let deleted: Int
        do { deleted = try store.deleteDeadSegments() } catch {
            logger.warning("stream compaction failed", ["dir": directory, "error": error])
            deleted = 0
        }
        store.recoveryReport.deletedSegments = deleted
        store.logRecovery(deletedSegments: deleted, milliseconds: Double(Clock.monotonicNanoseconds() - started) / 1e6)
        return store
    }

    /// Scans every segment in id order into `recovered`. A damaged record anywhere is stepped over and
    /// counted, and the records after it are kept (`RecordScanner.scanSkippingDamage`); only a torn tail
    /// of the last segment (a record the file ends inside, with nothing valid after it) is cut. A segment
    /// whose header is damaged still has its records read. The last sequence never goes backwards: a
    /// skipped stretch that may have held the newest message counts as one, and when the last segment
    /// was damaged a fresh segment is started whose header makes that sequence durable.
    static func recover(
        directory: String, fileSystem: any FileSystem, into recovered: inout RecoveredStream
    ) throws(StoreError) {
        let names = try fileSystem.contentsOfDirectory(directory)
        for name in names where name.hasSuffix(".tmp") {
            try fileSystem.removeFile(joinPath(directory, name))
            recovered.report.removedTemporaryFiles += 1
        }
        if recovered.report.removedTemporaryFiles > 0 { try fileSystem.synchronizeDirectory(directory) }
        let ids = names.compactMap(Segment.id(fromFileName:)).sorted()
        var restartID: UInt32?
        var needsFreshSegment = false
        for (position, id) in ids.enumerated() {
            let isLast = position == ids.count - 1
            let path = joinPath(directory, Segment.fileName(id: id))
            let file = try fileSystem.openFile(path, creating: false)
            let size = try file.size()
            recovered.report.filesScanned += 1
            var header = try FileHeader.read(from: file)
            // A base sequence beyond any that is assigned is damage, like a failed checksum.
            let isBeyondLargest = (header?.baseSequence ?? 0) > StreamRecord.largestSequence
            if header?.kind != .streamSegment || isBeyondLargest {
                header = nil
                recovered.report.damagedFiles.append(
                    DamagedFile(
                        path: path, offset: 0, bytes: min(size, Int64(FileHeader.size)), reason: .invalidHeader,
                        truncated: isLast && size <= Int64(FileHeader.size)))
            }
            if header == nil, size <= Int64(FileHeader.size) {
                // Nothing but a torn header: the header is made durable before anything is appended, so
                // this is a crash while creating the segment. The last one is started over.
                file.close()
                if isLast {
                    recovered.report.truncatedBytes += size
                    restartID = id
                }
                continue
            }
            // A damaged header with records after it: read the records; the base sequence is unknown,
            // so it is taken from the segments before.
            let trusted =
                header
                ?? FileHeader(
                    kind: .streamSegment, baseSequence: recovered.lastSequence,
                    baseTimestamp: recovered.lastTimestamp)
            if trusted.baseSequence > recovered.lastSequence {
                recovered.lastSequence = trusted.baseSequence
                recovered.lastTimestamp = trusted.baseTimestamp
                recovered.unaccountedMessages = 0
            }
            recovered.provenByLastSegment = header?.baseSequence ?? 0
            let segment = Segment(id: id, path: path, file: file, header: trusted, validEnd: Int64(FileHeader.size))
            recovered.segments.append(segment)
            let outcome = try scan(segment, upTo: size, into: &recovered)
            segment.validEnd = outcome.validEnd
            recovered.report.recordsScanned += outcome.records
            recovered.report.repairedRecords += outcome.repaired
            for skipped in outcome.skipped {
                recovered.report.skippedRecords += skipped.records
                recovered.report.skippedBytes += skipped.bytes
                recovered.report.damagedFiles.append(
                    DamagedFile(
                        path: path, offset: skipped.start, bytes: skipped.bytes, reason: skipped.reason,
                        truncated: false))
            }
            if isLast, header == nil || !outcome.skipped.isEmpty { needsFreshSegment = true }
            guard let reason = outcome.tail else { continue }
            let damaged = size - outcome.validEnd
            recovered.report.damagedFiles.append(
                DamagedFile(
                    path: path, offset: outcome.validEnd, bytes: damaged, reason: reason, truncated: isLast))
            if isLast {
                recovered.report.truncatedRecords += try RecordScanner.countFrames(
                    file, from: outcome.validEnd, to: size)
                recovered.report.truncatedBytes += damaged
                try file.truncate(to: outcome.validEnd)
                try file.synchronize()
            } else if damaged >= Int64(StreamRecord.minimumMessageRecordBytes) {
                // An older segment's lost tail may have held the newest message (the next header says).
                recovered.unaccountedMessages += 1
            }
        }
        if recovered.unaccountedMessages > 0 {
            recovered.lastSequence += UInt64(recovered.unaccountedMessages)
            needsFreshSegment = true
        }
        // Only an older segment proves the last sequence (its header was higher than the last one's):
        // the fresh segment's header keeps it once that segment is deleted.
        if recovered.provenByLastSegment < recovered.lastSequence { needsFreshSegment = true }
        if restartID != nil || recovered.segments.isEmpty || needsFreshSegment {
            let id = restartID ?? (ids.last.map { $0 + 1 } ?? 1)
            let path = joinPath(directory, Segment.fileName(id: id))
            let header = FileHeader(
                kind: .streamSegment, baseSequence: recovered.lastSequence, baseTimestamp: recovered.lastTimestamp)
            let file = try fileSystem.openFile(path, creating: true)
            recovered.segments.append(
                Segment(
                    id: id, path: path, file: file, header: header, validEnd: Int64(FileHeader.size)))
            try file.truncate(to: 0)
            try header.encoded().withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: 0) }
            try file.synchronize()
            try fileSystem.synchronizeDirectory(directory)
        }
    }

    /// Reads one segment's records into the index, stepping over damaged ones (a record whose sequence
    /// is out of order counts as damaged).
    static func scan(
        _ segment: Segment, upTo size: Int64, into recovered: inout RecoveredStream
    ) throws(StoreError) -> SkippingScanOutcome {
        var lastMessageOffset: Int64 = -1
        let outcome = try RecordScanner.scanSkippingDamage(
            segment.file, from: Int64(FileHeader.size), to: size, isValid: StreamRecord.isValid
        ) { offset, record, body throws(StoreError) -> Bool in
            switch StreamRecord.decode(body) {
            case .message(let sequence, let timestamp, let subjectRange, _, _)?:
                guard sequence > recovered.lastSequence, offset <= Int64(UInt32.max) else { return false }
                let subject = String(decoding: UnsafeRawBufferPointer(rebasing: body[subjectRange]), as: UTF8.self)
                recovered.index.append(
                    IndexEntry(
                        sequence: sequence, timestamp: timestamp, segment: segment.id, offset: UInt32(offset),
                        recordBytes: UInt32(record.count), subject: recovered.subjects.retain(subject)))
                segment.noteMessage(sequence: sequence, recordBytes: record.count)
                recovered.liveBytes += Int64(record.count)
                recovered.lastSequence = sequence
                recovered.lastTimestamp = timestamp
                recovered.unaccountedMessages = 0
                recovered.provenByLastSegment = sequence
                lastMessageOffset = offset
            case .tombstone(let sequence)?:
                // A tombstone proves its sequence was assigned, even when its message is lost.
                recovered.lastSequence = max(recovered.lastSequence, sequence)
                recovered.provenByLastSegment = max(recovered.provenByLastSegment, sequence)
                recovered.removeMessage(sequence, recordedIn: segment)
            case .removals(let ranges)?:
                segment.retainedBytes += Int64(record.count)
                for range in ranges {
                    recovered.lastSequence = max(recovered.lastSequence, range.upperBound)
                    recovered.provenByLastSegment = max(recovered.provenByLastSegment, range.upperBound)
                    var position = recovered.index.firstPosition(after: range.lowerBound - 1)
                    while position < recovered.index.entries.count,
                        recovered.index.entries[position].sequence <= range.upperBound
                    {
                        recovered.removeMessage(recovered.index.entries[position].sequence, recordedIn: segment)
                        position += 1
                    }
                }
            case nil:
                return false
            }
            return true
        }
        // A skipped stretch after the segment's last message may have held a newer one; a later message
        // or header settles it.
        recovered.unaccountedMessages +=
            outcome.skipped.filter {
                $0.start > lastMessageOffset && $0.bytes >= Int64(StreamRecord.minimumMessageRecordBytes)
            }.count
        recovered.index.compactIfSparse()
        return outcome
    }

    /// Logs the recovery as one line: info when clean, warning when something was cut or ignored.
    func logRecovery(deletedSegments: Int, milliseconds: Double) {
        let report = recoveryReport
        let state = self.state
        let level: LogLevel = report.isClean ? .info : .warning
        logger.log(
            level, report.isClean ? "stream store opened" : "stream store recovered damage",
            [
                "dir": directory, "segments": segments.count, "messages": state.messages,
                "first_seq": state.firstSequence, "last_seq": state.lastSequence,
                "records_scanned": report.recordsScanned, "truncated_bytes": report.truncatedBytes,
                "truncated_records": report.truncatedRecords, "skipped_records": report.skippedRecords,
                "skipped_bytes": report.skippedBytes, "repaired_records": report.repairedRecords,
                "damaged_files": Set(report.damagedFiles.map(\.path)).count,
                "temporary_files_removed": report.removedTemporaryFiles, "segments_deleted": deletedSegments,
                "ms": (milliseconds * 10).rounded() / 10,
            ])
    }
}
