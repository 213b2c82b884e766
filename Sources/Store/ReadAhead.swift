/// The last block read from a segment file, so that reading messages one after another (a pull of a
/// batch) costs one `pread` per block instead of one per message.
///
/// A block is read only from below `limit`, a point the caller knows the file's bytes no longer
/// change under (a finished segment's valid end, the active segment's durable end), and belongs to
/// the file object it came from: a rewritten segment has a new file, so its old block never answers.
/// Only a read that follows the previous one closely reads ahead; a random read reads just its record.
struct ReadAhead {
    /// How much a read ahead takes at most.
    static let blockBytes = 64 * 1024

    private var file: (any StorageFile)?
    private var start: Int64 = 0
    private var block: [UInt8] = []
    /// Where the previous read ended, to tell a sequential read from a random one.
    private var previousEnd: Int64 = -1

    /// The `count` bytes at `offset` of `file`, or fewer when the file ends first; nil when they do
    /// not lie below `limit` (the caller reads them directly).
    mutating func read(
        _ file: any StorageFile, at offset: Int64, count: Int, limit: Int64
    ) throws(StoreError) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= limit, Int64(count) <= limit - offset else { return nil }
        let end = offset + Int64(count)
        let isSequential = offset >= previousEnd && offset - previousEnd < Int64(Self.blockBytes)
        previousEnd = end
        if let cached = self.file, cached === file, offset >= start, end <= start + Int64(block.count) {
            let from = Int(offset - start)
            return block[from..<from + count]
        }
        let length = isSequential ? Int(min(limit - offset, Int64(max(count, Self.blockBytes)))) : count
        self.file = nil
        block = try RecordScanner.readChunk(file, at: offset, count: length)
        self.file = file
        start = offset
        return block[0..<min(count, block.count)]
    }

    /// Drops the block (its file was replaced or closed).
    mutating func forget() {
        file = nil
        block = []
        previousEnd = -1
    }
}
