/// The on-disk format shared by stream segments and consumer state logs.
///
/// All integers are little-endian. Sizes are in bytes.
///
/// ## Files
///
/// A stream lives in one directory:
///
/// - `00000001.seg`, `00000002.seg`, …: segment files, numbered in creation order (decimal, at least
///   eight digits). Only the highest-numbered one is appended to; it is rolled (a new one created)
///   when the next record would take it past the configured size (16 MiB by default).
/// - `LOCK`: an empty file locked with `flock` while a process has the stream open.
/// - `*.tmp`: a segment being rewritten by compaction; removed on open.
/// - `consumers/<name>/consumer.log`: one consumer's state (and `consumer.log.tmp` during a rewrite).
///
/// ## File header (28 bytes, at offset 0 of every file)
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic, ASCII `FFRS` |
/// | 4 | 1 | format version, 1 |
/// | 5 | 1 | file kind: 1 = stream segment, 2 = consumer state log |
/// | 6 | 2 | reserved, 0 |
/// | 8 | 8 | base sequence (u64) |
/// | 16 | 8 | base timestamp (i64, ns since the Unix epoch) |
/// | 24 | 4 | CRC-32C of bytes 0..<24 |
///
/// For a segment, the base sequence is the last stream sequence assigned before the segment was
/// created and the base timestamp that message's timestamp, so sequences never go backwards even
/// when every message is gone and older segments were deleted. A consumer log stores 0 in both.
///
/// The header is written and made durable (`fdatasync`, then `fsync` of the directory) before any
/// record is appended.
///
/// ## Record frame (from offset 28 to the end of the file, back to back)
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | body length L (u32), 1 ≤ L ≤ 64 MiB + 64 KiB |
/// | 4 | 4 | CRC-32C (Castagnoli) of the L body bytes |
/// | 8 | L | body; its first byte is the record type |
///
/// A frame is bad when it is short, has a length outside the bounds, fails its checksum, or has a body
/// that does not parse. A consumer log is trusted up to its first bad frame and cut there. A stream
/// segment reader steps over a bad frame and keeps what follows (`RecordScanner.resynchronize`): when
/// the frame's length leads to a good record (or exactly to the end) only that record is skipped;
/// otherwise the length itself is damaged and the next offset where a whole frame validates is
/// searched for, byte by byte, and if the bytes up to there match the bad frame's checksum, the record
/// is used as it is (repaired). Only a torn tail, a last record the file ends inside with nothing good
/// after it, is cut off (in the last segment). Skipped records are counted in the recovery report; a
/// segment whose header is damaged still has its records read. When the last segment was damaged, a
/// new segment is started after it, and the stream's last sequence is raised by one for each skipped
/// stretch after the newest known message that could have held a message, so that it never goes
/// backwards.
///
/// A stream segment may end in zeros after its last record: space written ahead of the records
/// (`StreamStoreOptions.preallocationBytes`) so that a sync overwrites bytes the file has instead of
/// growing it. Because no frame has length 0, a reader that meets a zero length field followed only
/// by zeros up to the end of the file has reached the end of the records; this is not damage.
/// Anything else before the zeros (a record torn by a crash, its frame cut off by them) is a torn
/// tail as above.
///
/// ## Stream segment bodies
///
/// `message` (type 1), 23 bytes plus the variable parts:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | type = 1 |
/// | 1 | 8 | stream sequence (u64); strictly greater than every sequence before it in this stream |
/// | 9 | 8 | timestamp (i64, ns since the Unix epoch) |
/// | 17 | 2 | subject length S (u16) |
/// | 19 | 4 | header block length H (u32), 0 when the message has no headers |
/// | 23 | S | subject, UTF-8 |
/// | 23+S | H | header block (`NATS/1.0` … as published) |
/// | 23+S+H | rest | payload |
///
/// `tombstone` (type 2), 9 bytes: type = 2, then the removed stream sequence (u64). A removal writes its
/// tombstone twice in a row, so one damaged copy cannot bring the message back (files with single
/// tombstones read the same). A tombstone is always in the same segment as its message or a later one.
/// A segment is deleted only when none of its messages is live and none of its tombstones still covers
/// a message in an older segment that exists, so removed messages never come back.
///
/// `removals` (type 3): type = 3, range count N (u32, at most 4096), then N ranges of (first u64, last
/// u64), ascending and disjoint: every message whose sequence is in one of them is removed. A new
/// segment starts with one, listing every sequence up to its base sequence that held no live message
/// then (when there are more than 4096 ranges, the first and the newest 4095), so tombstones lost from a
/// damaged or truncated older segment do not bring their messages back. A purge's new segment lists
/// everything up to the last sequence, so a crash while the purged segments are deleted loses nothing
/// removed. It is written and synced with the header.
///
/// ## Consumer log bodies
///
/// | type | name | fields after the type byte |
/// |---|---|---|
/// | 1 | snapshot | see below |
/// | 2 | config | the opaque config bytes (rest of the body) |
/// | 3 | delivered | stream sequence (u64), consumer sequence (u64), delivery count (u64), timestamp (i64) |
/// | 4 | acked | stream sequence (u64) |
/// | 5 | terminated | stream sequence (u64) |
///
/// A snapshot body after its type byte: config length C (u32), C config bytes, delivered consumer
/// sequence (u64), delivered stream sequence (u64), pending count N (u32), then N entries of
/// (stream sequence u64, consumer sequence u64, delivery count u64, last delivery timestamp i64).
///
/// A snapshot replaces all state before it; a rewrite writes a fresh file holding one snapshot
/// (`consumer.log.tmp`, `fdatasync`, rename over `consumer.log`, `fsync` the directory).
enum RecordFormat {
    /// Bytes of the frame before the body: length and checksum.
    static let frameBytes = 8
    /// The largest body a reader accepts; anything larger is treated as corruption.
    static let maximumBodyBytes = 64 << 20 + 64 << 10

    /// Starts a record at the end of `buffer`; write the body, then call `finishRecord`.
    @inline(__always)
    static func beginRecord(in buffer: inout [UInt8]) -> Int {
        let start = buffer.count
        buffer.appendLittleEndian(UInt64(0))
        return start
    }

    /// Fills in the length and checksum of the record started at `start`; returns its full size.
    @inline(__always)
    @discardableResult
    static func finishRecord(in buffer: inout [UInt8], start: Int) -> Int {
        let bodyLength = buffer.count - start - frameBytes
        let checksum = buffer.withUnsafeBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(start + frameBytes)...]))
        }
        buffer.storeLittleEndian(UInt32(bodyLength), at: start)
        buffer.storeLittleEndian(checksum, at: start + 4)
        return bodyLength + frameBytes
    }

    /// Whether a frame's length field can be a real record.
    @inline(__always)
    static func isPlausible(bodyLength: Int) -> Bool { bodyLength >= 1 && bodyLength <= maximumBodyBytes }
}

/// Which kind of file a header introduces.
enum FileKind: UInt8 {
    case streamSegment = 1
    case consumerLog = 2
}

/// The 28-byte header at the start of every store file (see `RecordFormat`).
struct FileHeader: Equatable {
    static let size = 28
    static let magic: [UInt8] = Array("FFRS".utf8)
    static let version: UInt8 = 1

    var kind: FileKind
    var baseSequence: UInt64
    var baseTimestamp: Int64

    func encoded() -> [UInt8] {
        var bytes = FileHeader.magic
        bytes.reserveCapacity(FileHeader.size)
        bytes.append(FileHeader.version)
        bytes.append(kind.rawValue)
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(baseSequence)
        bytes.appendLittleEndian(baseTimestamp)
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Parses a header, or nil when the bytes are short, damaged or of another version.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> FileHeader? {
        guard bytes.count >= size else { return nil }
        guard zip(bytes[0..<4], magic).allSatisfy({ $0 == $1 }), bytes[4] == version else { return nil }
        let stored = bytes.loadLittleEndian(at: 24, as: UInt32.self)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<24])) == stored else { return nil }
        guard let kind = FileKind(rawValue: bytes[5]) else { return nil }
        return FileHeader(
            kind: kind,
            baseSequence: bytes.loadLittleEndian(at: 8, as: UInt64.self),
            baseTimestamp: bytes.loadLittleEndian(at: 16, as: Int64.self))
    }

    /// Reads and parses the header of `file`.
    static func read(from file: any StorageFile) throws(StoreError) -> FileHeader? {
        var bytes = [UInt8](repeating: 0, count: size)
        let count = try bytes.withMutableStoreBytes { buffer throws(StoreError) in try file.read(into: buffer, at: 0) }
        guard count == size else { return nil }
        return bytes.withUnsafeBytes { decode($0) }
    }
}
