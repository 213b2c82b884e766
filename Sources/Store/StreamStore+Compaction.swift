/// Compaction keeps disk use bounded for a stream that appends and removes forever.
///
/// Two steps, both run after every successful `sync()` (when the tombstones that made segments dead
/// are durable) and on open:
/// 1. A finished segment with no live message whose tombstones cover nothing in an older existing
///    segment is deleted. Deletions happen in rounds, each made durable (`fsync` of the directory)
///    before the next, so a crash never keeps an older segment while losing the newer one whose
///    tombstones hide its messages.
/// 2. At most one finished segment per call whose reclaimable bytes reach `rewriteFraction` of its
///    size (and that is at least `rewriteMinimumBytes`) is rewritten: its live messages and the
///    tombstones still needed (and `removals` records) go to `NNNNNNNN.seg.tmp`, which is synced and renamed over the segment.
extension StreamStore {
    /// Runs both compaction steps now.
    public func compact() throws(StoreError) {
        try checkUsable()
        try deleteDeadSegments()
        let candidate = segments.dropLast().first { segment in
            segment.validEnd >= Int64(options.rewriteMinimumBytes)
                && Double(segment.reclaimableBytes) >= options.rewriteFraction * Double(segment.validEnd)
        }
        if let candidate { try rewrite(candidate) }
    }

    /// Deletes finished segments that hold nothing needed; returns how many.
    @discardableResult
    func deleteDeadSegments() throws(StoreError) -> Int {
        var deleted = 0
        while true {
            let active = self.active
            let dead = segments.filter { $0 !== active && $0.liveMessages == 0 && $0.coveredSegments.isEmpty }
            guard !dead.isEmpty else { return deleted }
            for segment in dead {
                try fileSystem.removeFile(segment.path)
                segment.file.close()
                readAhead.forget()
                segments.removeAll { $0 === segment }
                for other in segments { other.coveredSegments[segment.id] = nil }
                deleted += 1
            }
            try fileSystem.synchronizeDirectory(directory)
        }
    }

    /// Rewrites `segment` without its removed messages, unneeded tombstones and damaged stretches; each
    /// kept record is framed afresh (a repaired length is written right).
    func rewrite(_ segment: Segment) throws(StoreError) {
        let temporaryPath = segment.path + ".tmp"
        let file = try fileSystem.openFile(temporaryPath, creating: true)
        let output = RecordWriter(file: file, end: 0, bufferCapacity: 1 << 20)
        var moves: [(position: Int, offset: UInt32)] = []
        var covered: [UInt32: Int] = [:]
        var retained: Int64 = 0
        var lastCoveringTombstone: UInt64 = 0
        do throws(StoreError) {
            try file.truncate(to: 0)
            output.buffer.append(contentsOf: segment.header.encoded())
            let outcome = try RecordScanner.scanSkippingDamage(
                segment.file, from: Int64(FileHeader.size), to: segment.validEnd, isValid: StreamRecord.isValid
            ) { _, record, body throws(StoreError) -> Bool in
                switch StreamRecord.decode(body) {
                case .message(let sequence, _, _, _, _)?:
                    guard let position = index.position(of: sequence), index.entries[position].isLive,
                        index.entries[position].segment == segment.id
                    else { return true }
                    moves.append((position, UInt32(output.end)))
                case .tombstone(let sequence)?:
                    let older = segments.first { $0.id < segment.id && $0.covers(sequence) }
                    guard let older else { return true }
                    // A removal is two adjacent copies of its tombstone; both are kept, counted once.
                    if sequence != lastCoveringTombstone { covered[older.id, default: 0] += 1 }
                    lastCoveringTombstone = sequence
                case .removals?:
                    retained += Int64(record.count)
                case nil:
                    return false
                }
                let start = RecordFormat.beginRecord(in: &output.buffer)
                output.buffer.append(contentsOf: body)
                RecordFormat.finishRecord(in: &output.buffer, start: start)
                if output.buffer.count >= 1 << 20 { try output.flush() }
                return true
            }
            guard outcome.tail == nil else {
                throw StoreError.corruptRecord(path: segment.path, offset: outcome.validEnd)
            }
            try output.synchronize()
            try fileSystem.rename(temporaryPath, to: segment.path)
        } catch {
            file.close()
            try? fileSystem.removeFile(temporaryPath)
            throw error
        }
        // The old descriptor still reads the replaced file until it is closed.
        let oldFile = segment.file
        segment.file = file
        readAhead.forget()
        segment.validEnd = output.end
        segment.coveredSegments = covered
        segment.retainedBytes = retained
        for move in moves { index.move(at: move.position, offset: move.offset) }
        oldFile.close()
        try fileSystem.synchronizeDirectory(directory)
        logger.debug("segment rewritten", ["path": segment.path, "bytes": output.end, "messages": moves.count])
    }
}
