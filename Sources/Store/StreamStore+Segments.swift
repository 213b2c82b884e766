/// Segment files: finding one by id, starting a new one when the active one is full, and creating
/// one whose header (and `removals` record) keeps what older segments might lose.
extension StreamStore {
    /// The segment with `id`.
    func segment(withID id: UInt32) -> Segment? { findSegment(id, in: segments) }

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
