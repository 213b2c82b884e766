/// A stretch of a file that held no trustworthy record and that a scan stepped over.
struct SkippedRange: Equatable {
    /// File offsets of the stretch.
    var start: Int64
    var end: Int64
    /// Why the record at `start` was not trusted.
    var reason: DamageReason
    /// Records in the stretch, counted by following its length fields (at least 1).
    var records: Int

    var bytes: Int64 { end - start }
}

/// Where a scan that steps over damage ended.
struct SkippingScanOutcome {
    /// The end of the last trusted or skipped record; the torn tail, if any, starts here.
    var validEnd: Int64
    /// Trusted records seen (repaired ones included).
    var records: Int
    /// Records whose length field was damaged but whose body matched its checksum once the next record
    /// was found, and were used.
    var repaired: Int
    /// Damaged stretches stepped over, in file order.
    var skipped: [SkippedRange]
    /// Why the scan stopped trusting the end of the file (nothing valid follows and no whole record is
    /// there: a torn tail), or nil when it reached the end.
    var tail: DamageReason?
}

/// What follows a damaged frame, found by `RecordScanner.resynchronize`.
enum Resynchronization: Equatable {
    /// The frame's length was wrong but its body (this many bytes) matches its checksum.
    case repaired(bodyLength: Int)
    /// Trust resumes this many bytes after the damaged frame (a valid record starts there, or the
    /// damaged record ends exactly at the end of the range).
    case resume(after: Int)
    /// Nothing after the damaged frame can be trusted and no whole record is there: a torn tail.
    case tornTail
}

extension RecordScanner {
    /// Like `scan`, but a damaged record does not end the scan: the scan finds where trust resumes
    /// (`resynchronize`) and goes on, reporting the stretch it stepped over. `isValid` says whether a
    /// body whose checksum holds makes sense (it must have no side effects: it judges candidates);
    /// `visit` may still reject a record, which is then stepped over as `invalidBody`. Where only zeros
    /// follow the last good record (space written ahead of the records), the scan ends there cleanly.
    ///
    /// On damage, the rest of the range is read into memory once, so this is meant for segment-sized
    /// ranges.
    static func scanSkippingDamage(
        _ file: any StorageFile, from start: Int64, to end: Int64,
        isValid: (UnsafeRawBufferPointer) -> Bool,
        visit: (Int64, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(StoreError) -> Bool
    ) throws(StoreError) -> SkippingScanOutcome {
        var outcome = SkippingScanOutcome(validEnd: start, records: 0, repaired: 0, skipped: [], tail: nil)
        var position = start
        while position < end {
            let run = try scan(file, from: position, to: end, visit: visit)
            outcome.records += run.records
            outcome.validEnd = run.validEnd
            guard let reason = run.damage else { break }
            let damageStart = run.validEnd
            let rest = try readChunk(file, at: damageStart, count: Int(end - damageStart))
            // Zeros written ahead of the records (`StreamStoreOptions.preallocationBytes`): the end.
            if rest.allSatisfy({ $0 == 0 }) { return outcome }
            let found = rest.withUnsafeBytes { resynchronize($0, isValid: isValid) }
            switch found {
            case .tornTail:
                outcome.tail = reason
                return outcome
            case .repaired(let bodyLength):
                let recordBytes = frameBytes + bodyLength
                let accepted = try rest.withStoreBytes { bytes throws(StoreError) -> Bool in
                    let record = UnsafeRawBufferPointer(rebasing: bytes[0..<recordBytes])
                    return try visit(damageStart, record, UnsafeRawBufferPointer(rebasing: record[frameBytes...]))
                }
                if accepted {
                    outcome.records += 1
                    outcome.repaired += 1
                } else {
                    outcome.skipped.append(
                        SkippedRange(
                            start: damageStart, end: damageStart + Int64(recordBytes), reason: .invalidBody, records: 1
                        ))
                }
                position = damageStart + Int64(recordBytes)
            case .resume(let after):
                let records = rest.withUnsafeBytes { countFrames(in: UnsafeRawBufferPointer(rebasing: $0[0..<after])) }
                outcome.skipped.append(
                    SkippedRange(start: damageStart, end: damageStart + Int64(after), reason: reason, records: records))
                position = damageStart + Int64(after)
            }
            outcome.validEnd = position
        }
        return outcome
    }

    /// Finds where trust resumes after the damaged frame at the start of `bytes` (which run to the end of
    /// the scanned range):
    /// 1. If the frame's own length is plausible and lands on a valid record or exactly on the end, the
    ///    damage is inside that one record (body, checksum or an impossible content): resume after it.
    ///    Payload bytes are never searched then, so data that looks like a record cannot be mistaken
    ///    for one.
    /// 2. Otherwise the length itself is damaged: search byte by byte for the next offset where a whole
    ///    frame validates (plausible length, checksum, `isValid` body). If the bytes from the damaged
    ///    frame's body up to there match its stored checksum, only the length was hit and the record is
    ///    used (`repaired`); else resume at that offset.
    /// 3. When nothing valid follows and no whole record is there, it is a torn tail.
    ///
    /// `isValid` must be cheap (it judges every candidate offset before any checksum). Known limit of
    /// step 2: a payload that itself holds a well-formed record could be taken for the next record
    /// when the damaged length points into it.
    static func resynchronize(
        _ bytes: UnsafeRawBufferPointer, isValid: (UnsafeRawBufferPointer) -> Bool
    ) -> Resynchronization {
        guard bytes.count >= frameBytes else { return .tornTail }
        let length = Int(bytes.loadLittleEndian(at: 0, as: UInt32.self))
        let checksum = bytes.loadLittleEndian(at: 4, as: UInt32.self)
        if RecordFormat.isPlausible(bodyLength: length), frameBytes + length <= bytes.count {
            let next = frameBytes + length
            if next == bytes.count || validRecordLength(in: bytes, at: next, isValid: isValid) != nil {
                return .resume(after: next)
            }
        }
        var candidate = 1
        while candidate < bytes.count, validRecordLength(in: bytes, at: candidate, isValid: isValid) == nil {
            candidate += 1
        }
        let bodyLength = candidate - frameBytes
        if bodyLength >= 1 {
            let body = UnsafeRawBufferPointer(rebasing: bytes[frameBytes..<candidate])
            if CRC32C.checksum(body) == checksum, isValid(body) { return .repaired(bodyLength: bodyLength) }
        }
        return candidate < bytes.count ? .resume(after: candidate) : .tornTail
    }

    /// The body length of the whole, checksummed, valid record at `offset` of `bytes`, or nil.
    static func validRecordLength(
        in bytes: UnsafeRawBufferPointer, at offset: Int, isValid: (UnsafeRawBufferPointer) -> Bool
    ) -> Int? {
        guard offset + frameBytes <= bytes.count else { return nil }
        let length = Int(bytes.loadLittleEndian(at: offset, as: UInt32.self))
        guard RecordFormat.isPlausible(bodyLength: length), offset + frameBytes + length <= bytes.count else {
            return nil
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[offset + frameBytes..<offset + frameBytes + length])
        // The body's own fields first: they reject nearly every offset of random data at once, where
        // a checksum over a long claimed body would make the search quadratic.
        guard isValid(body), CRC32C.checksum(body) == bytes.loadLittleEndian(at: offset + 4, as: UInt32.self) else {
            return nil
        }
        return length
    }

    /// Records, whole or partial, in `bytes`, following length fields (garbage counts as one).
    static func countFrames(in bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var position = 0
        while position < bytes.count {
            count += 1
            guard position + frameBytes <= bytes.count else { break }
            let length = Int(bytes.loadLittleEndian(at: position, as: UInt32.self))
            guard RecordFormat.isPlausible(bodyLength: length) else { break }
            position += frameBytes + length
        }
        return count
    }

    private static var frameBytes: Int { RecordFormat.frameBytes }
}
