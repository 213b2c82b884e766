/// Appends framed records to one file through a memory buffer, and knows which prefix of the file is
/// durable.
///
/// Offsets: `durableEnd` ≤ `flushedEnd` ≤ `end`. Bytes below `durableEnd` survived an `fdatasync`;
/// bytes below `flushedEnd` were handed to the kernel (`pwrite`); the rest sit in `buffer`. After any
/// failed write or sync the owner calls `discardUnsynced()`, which cuts the file back to `durableEnd`.
///
/// With a `preallocation` the file is written with zeros ahead of the records, that many bytes at a
/// time (never past `preallocationLimit`), so most syncs overwrite bytes the file already has: an
/// `fdatasync` that need not record a new file size writes one block instead of the block and the
/// inode. Readers take a zero length field followed only by zeros as the end of the records.
/// Not thread-safe.
final class RecordWriter {
    let file: any StorageFile
    private(set) var durableEnd: Int64
    private(set) var flushedEnd: Int64
    /// Records not yet written to the file; `RecordFormat.beginRecord`/`finishRecord` append here.
    var buffer: [UInt8] = []
    /// Zeros written ahead of the records per extension; 0: none (the file grows with each flush).
    let preallocation: Int
    let preallocationLimit: Int64
    /// Where the file's zeros end (its size), once known; nil until the first flush that needs it.
    private var allocatedEnd: Int64?

    /// A writer appending at `end`; everything before `end` is taken to be durable.
    init(
        file: any StorageFile, end: Int64, bufferCapacity: Int, preallocation: Int = 0, preallocationLimit: Int64 = 0
    ) {
        self.file = file
        durableEnd = end
        flushedEnd = end
        self.preallocation = preallocation
        self.preallocationLimit = preallocationLimit
        buffer.reserveCapacity(bufferCapacity)
    }

    /// The offset the next record will have.
    var end: Int64 { flushedEnd + Int64(buffer.count) }

    /// Whether anything was appended since the last successful `synchronize()`.
    var hasUnsyncedBytes: Bool { end != durableEnd }

    /// Writes the buffer to the file (not yet durable).
    func flush() throws(StoreError) {
        guard !buffer.isEmpty else { return }
        let offset = flushedEnd
        let file = self.file
        try buffer.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: offset) }
        flushedEnd += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
        preallocateIfNeeded()
    }

    /// Writes the next stretch of zeros once the records reach the end of the ones written before;
    /// the sync that follows makes them and the new file size durable together. Only an optimisation:
    /// when the zeros cannot be written (a full disk) the records still can, so the error is dropped
    /// and the next flush tries again; zeros written in part are read as the end like the others.
    private func preallocateIfNeeded() {
        guard preallocation > 0 else { return }
        guard let allocated = allocatedEnd ?? (try? file.size()) else { return }
        allocatedEnd = allocated
        guard flushedEnd >= allocated else { return }
        let target = min(flushedEnd + Int64(preallocation), preallocationLimit)
        guard target > flushedEnd else { return }
        let zeros = [UInt8](repeating: 0, count: Int(target - flushedEnd))
        let file = self.file
        let offset = flushedEnd
        do {
            try zeros.withStoreBytes { bytes throws(StoreError) in try file.write(bytes, at: offset) }
            allocatedEnd = target
        } catch {
            return
        }
    }

    /// Writes the buffer and makes everything appended so far durable.
    func synchronize() throws(StoreError) {
        guard hasUnsyncedBytes else { return }
        try flush()
        try file.synchronize()
        durableEnd = flushedEnd
    }

    /// Forgets everything after `durableEnd`, in memory and in the file. The file is always cut: a
    /// failed `pwrite` may have written part of the buffer past `flushedEnd`.
    func discardUnsynced() throws(StoreError) {
        buffer.removeAll(keepingCapacity: true)
        allocatedEnd = nil
        try file.truncate(to: durableEnd)
        flushedEnd = durableEnd
        allocatedEnd = durableEnd
    }

    /// The `count` bytes at `offset`, from the buffer when they are not flushed yet.
    func read(at offset: Int64, count: Int) throws(StoreError) -> [UInt8] {
        if offset >= flushedEnd {
            let start = Int(offset - flushedEnd)
            guard start + count <= buffer.count else { return [] }
            return Array(buffer[start..<start + count])
        }
        return try RecordScanner.readChunk(file, at: offset, count: count)
    }
}
