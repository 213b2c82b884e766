/// Why a scan stopped trusting a file before its end.
public enum DamageReason: String, Sendable, Equatable {
    /// Fewer than 28 bytes, or a header with the wrong magic, version, kind or checksum.
    case invalidHeader = "invalid header"
    /// The file ends inside a record's 8-byte frame.
    case truncatedFrame = "truncated frame"
    /// A length field of 0 or beyond the maximum record size.
    case invalidLength = "invalid length"
    /// The file ends before the body that the length field announces.
    case truncatedBody = "truncated body"
    /// The body does not match its CRC-32C.
    case checksumMismatch = "checksum mismatch"
    /// The checksum holds but the body makes no sense (unknown type, bad field, sequence out of order).
    case invalidBody = "invalid body"
}

/// Where a scan stopped.
struct ScanOutcome {
    /// The end of the last trusted record.
    var validEnd: Int64
    /// Trusted records seen.
    var records: Int
    /// Why the scan stopped before the end, or nil when every byte was a good record.
    var damage: DamageReason?
}

/// Reads the records of a file in order, in chunks, checking every frame and checksum.
enum RecordScanner {
    static let chunkBytes = 1 << 20

    /// Calls `visit(offset, record, body)` for each good record from `start` up to `end` (`record` is
    /// the whole record, frame included; `body` the part after the frame); `visit` returns false to
    /// reject a body whose checksum holds but whose content is invalid. The pointers are valid only
    /// during the call.
    static func scan(
        _ file: any StorageFile, from start: Int64, to end: Int64,
        visit: (Int64, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(StoreError) -> Bool
    ) throws(StoreError) -> ScanOutcome {
        var outcome = ScanOutcome(validEnd: start, records: 0, damage: nil)
        var buffer: [UInt8] = []
        var bufferStart = start
        var position = start
        while position < end {
            // Make sure the frame, then the whole record, is in the buffer.
            let frameEnd = position + Int64(RecordFormat.frameBytes)
            if frameEnd > end {
                outcome.damage = .truncatedFrame
                break
            }
            if frameEnd > bufferStart + Int64(buffer.count) {
                buffer = try readChunk(file, at: position, count: Int(min(Int64(chunkBytes), end - position)))
                bufferStart = position
                guard buffer.count >= RecordFormat.frameBytes else {
                    outcome.damage = .truncatedFrame
                    break
                }
            }
            let relative = Int(position - bufferStart)
            let (length, checksum) = buffer.withUnsafeBytes { bytes in
                (
                    Int(bytes.loadLittleEndian(at: relative, as: UInt32.self)),
                    bytes.loadLittleEndian(at: relative + 4, as: UInt32.self)
                )
            }
            guard RecordFormat.isPlausible(bodyLength: length) else {
                outcome.damage = .invalidLength
                break
            }
            let recordSize = RecordFormat.frameBytes + length
            let recordEnd = position + Int64(recordSize)
            if recordEnd > end {
                outcome.damage = .truncatedBody
                break
            }
            if recordEnd > bufferStart + Int64(buffer.count) {
                let count = Int(min(max(Int64(chunkBytes), Int64(recordSize)), end - position))
                buffer = try readChunk(file, at: position, count: count)
                bufferStart = position
                guard buffer.count >= recordSize else {
                    outcome.damage = .truncatedBody
                    break
                }
            }
            let bodyStart = Int(position - bufferStart) + RecordFormat.frameBytes
            let accepted = try buffer.withStoreBytes { bytes throws(StoreError) -> Bool? in
                let body = UnsafeRawBufferPointer(rebasing: bytes[bodyStart..<bodyStart + length])
                guard CRC32C.checksum(body) == checksum else { return nil }
                let record = UnsafeRawBufferPointer(
                    rebasing: bytes[bodyStart - RecordFormat.frameBytes..<bodyStart + length])
                return try visit(position, record, body)
            }
            guard let accepted else {
                outcome.damage = .checksumMismatch
                break
            }
            guard accepted else {
                outcome.damage = .invalidBody
                break
            }
            position = recordEnd
            outcome.validEnd = position
            outcome.records += 1
        }
        return outcome
    }

    /// Counts the records, whole or partial, between `start` and `end` by following length fields
    /// (used to report how many records a cut tail held; garbage counts as one, and zeros after a
    /// record, written ahead of the records, as none).
    static func countFrames(_ file: any StorageFile, from start: Int64, to end: Int64) throws(StoreError) -> Int {
        var count = 0
        var position = start
        while position < end {
            guard position + Int64(RecordFormat.frameBytes) <= end else { return count + 1 }
            let frame = try readChunk(file, at: position, count: 4)
            guard frame.count == 4 else { return count + 1 }
            let length = frame.withUnsafeBytes { Int($0.loadLittleEndian(at: 0, as: UInt32.self)) }
            if length == 0 && count > 0 { break }
            count += 1
            guard RecordFormat.isPlausible(bodyLength: length) else { break }
            position += Int64(RecordFormat.frameBytes + length)
        }
        return count
    }

    /// Reads up to `count` bytes at `offset`; shorter at the end of the file.
    static func readChunk(_ file: any StorageFile, at offset: Int64, count: Int) throws(StoreError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: count)
        let read = try chunk.withMutableStoreBytes { bytes throws(StoreError) in
            try file.read(into: bytes, at: offset)
        }
        if read < count { chunk.removeLast(count - read) }
        return chunk
    }
}
