/// Appends framed records to one file through a memory buffer, and knows which prefix of the file is
/// durable.
///
/// Offsets: `durableEnd` ≤ `flushedEnd` ≤ `end`. Bytes below `durableEnd` survived an `fdatasync`;
/// bytes below `flushedEnd` were handed to the kernel (`pwrite`); the rest sit in `buffer`. After any
/// failed write or sync the owner calls `discardUnsynced()`, which cuts the file back to `durableEnd`.
/// Not thread-safe.
final class RecordWriter {
    let file: any StorageFile
    private(set) var durableEnd: Int64
    private(set) var flushedEnd: Int64
    /// Records not yet written to the file; `RecordFormat.beginRecord`/`finishRecord` append here.
    var buffer: [UInt8] = []

    /// A writer appending at `end`; everything before `end` is taken to be durable.
    init(file: any StorageFile, end: Int64, bufferCapacity: Int) {
        self.file = file
        durableEnd = end
        flushedEnd = end
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
        try file.truncate(to: durableEnd)
        flushedEnd = durableEnd
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
