import CSystem
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

    func segment(withID id: UInt32) -> Segment? { findSegment(id, in: segments) }
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
        let started = CSystem_monotonic_ns()
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
        store.logRecovery(deletedSegments: deleted, milliseconds: Double(CSystem_monotonic_ns() - started) / 1e6)
        return store
    }

    /// Scans every segment in id order into `recovered`, repairing the tail of the last one.
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
        for (position, id) in ids.enumerated() {
            let isLast = position == ids.count - 1
            let path = joinPath(directory, Segment.fileName(id: id))
            let file = try fileSystem.openFile(path, creating: false)
            let size = try file.size()
            recovered.report.filesScanned += 1
            guard let header = try FileHeader.read(from: file), header.kind == .streamSegment else {
                // The last segment's header is made durable before anything is appended, so a bad one
                // there means a crash while creating it: start that segment over. An older one is left
                // alone for inspection.
                file.close()
                recovered.report.damagedFiles.append(
                    DamagedFile(
                        path: path, offset: 0, bytes: size, reason: .invalidHeader, truncated: isLast))
                if isLast {
                    recovered.report.truncatedBytes += size
                    restartID = id
                }
                continue
            }
            if header.baseSequence > recovered.lastSequence {
                recovered.lastSequence = header.baseSequence
                recovered.lastTimestamp = header.baseTimestamp
            }
            let segment = Segment(id: id, path: path, file: file, header: header, validEnd: Int64(FileHeader.size))
            recovered.segments.append(segment)
            let outcome = try scan(segment, upTo: size, into: &recovered)
            segment.validEnd = outcome.validEnd
            recovered.report.recordsScanned += outcome.records
            guard let reason = outcome.damage else { continue }
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
            }
        }
        if restartID != nil || recovered.segments.isEmpty {
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

    /// Reads one segment's records into the index; stops at the first one that is damaged or out of
    /// order.
    static func scan(
        _ segment: Segment, upTo size: Int64, into recovered: inout RecoveredStream
    ) throws(StoreError) -> ScanOutcome {
        let outcome = try RecordScanner.scan(segment.file, from: Int64(FileHeader.size), to: size) {
            offset, record, body throws(StoreError) -> Bool in
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
            case .tombstone(let sequence)?:
                // A tombstone whose message is gone (its segment deleted or rewritten) has nothing to do.
                guard let position = recovered.index.position(of: sequence),
                    recovered.index.entries[position].isLive
                else { return true }
                let entry = recovered.index.remove(at: position)
                recovered.subjects.release(entry.subject)
                recovered.liveBytes -= Int64(entry.recordBytes)
                if let owner = recovered.segment(withID: entry.segment) {
                    owner.liveMessages -= 1
                    owner.liveBytes -= Int64(entry.recordBytes)
                    if owner !== segment { segment.coveredSegments[owner.id, default: 0] += 1 }
                }
            case nil:
                return false
            }
            return true
        }
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
                "truncated_records": report.truncatedRecords, "damaged_files": report.damagedFiles.count,
                "temporary_files_removed": report.removedTemporaryFiles, "segments_deleted": deletedSegments,
                "ms": (milliseconds * 10).rounded() / 10,
            ])
    }
}
