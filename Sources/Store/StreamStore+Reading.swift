/// Reading a message back from its segment, and the counts that need no disk at all.
extension StreamStore {
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
}
