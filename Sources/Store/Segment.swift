/// One segment file of a stream and what the store knows about its contents.
final class Segment {
    let id: UInt32
    let path: String
    var file: any StorageFile
    let header: FileHeader
    /// Bytes of the file that hold trusted records (the rest, if any, is damage found on open).
    var validEnd: Int64
    /// Smallest and largest message sequence written to this file (0 when none).
    var firstSequence: UInt64 = 0
    var lastSequence: UInt64 = 0
    /// Live messages and the size of their records.
    var liveMessages = 0
    var liveBytes: Int64 = 0
    /// Tombstones in this file that cover messages in another segment that still exists, counted per
    /// segment id. While any remain, deleting this file could bring those messages back.
    var coveredSegments: [UInt32: Int] = [:]
    /// Bytes of `removals` records, which a rewrite keeps.
    var retainedBytes: Int64 = 0

    init(id: UInt32, path: String, file: any StorageFile, header: FileHeader, validEnd: Int64) {
        self.id = id
        self.path = path
        self.file = file
        self.header = header
        self.validEnd = validEnd
    }

    /// The file name of segment `id`: at least eight decimal digits and `.seg`.
    static func fileName(id: UInt32) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".seg"
    }

    /// The id in a segment file name, or nil for other names.
    static func id(fromFileName name: String) -> UInt32? {
        guard name.hasSuffix(".seg") else { return nil }
        let stem = name.dropLast(4)
        guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt32(stem)
    }

    /// Records a message written to this file.
    func noteMessage(sequence: UInt64, recordBytes: Int) {
        if firstSequence == 0 { firstSequence = sequence }
        lastSequence = sequence
        liveMessages += 1
        liveBytes += Int64(recordBytes)
    }

    /// Whether `sequence` falls in the range of messages written to this file.
    func covers(_ sequence: UInt64) -> Bool {
        firstSequence != 0 && sequence >= firstSequence && sequence <= lastSequence
    }

    /// Bytes a rewrite would free: everything but the header, live messages, needed tombstones (two
    /// per removal) and `removals` records.
    var reclaimableBytes: Int64 {
        let neededTombstones = Int64(coveredSegments.values.reduce(0, +) * StreamRecord.removalBytes)
        return validEnd - Int64(FileHeader.size) - liveBytes - neededTombstones - retainedBytes
    }
}
