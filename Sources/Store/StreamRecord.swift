/// Encoding and decoding of the stream segment bodies, `message`, `tombstone` and `removals` (layout in
/// `RecordFormat`).
enum StreamRecord {
    static let messageType: UInt8 = 1
    static let tombstoneType: UInt8 = 2
    static let removalsType: UInt8 = 3
    /// Bytes of a message body before the subject.
    static let messageFixedBytes = 23
    /// Full size of a tombstone record, frame included.
    static let tombstoneRecordBytes = RecordFormat.frameBytes + 9
    /// Bytes one removal writes: its tombstone twice, so that one damaged copy cannot bring the message
    /// back.
    static let removalBytes = 2 * tombstoneRecordBytes
    /// The smallest message record (a one-byte subject, nothing else); a damaged stretch shorter than
    /// this cannot have held a message.
    static let minimumMessageRecordBytes = RecordFormat.frameBytes + messageFixedBytes + 1
    /// At most this many ranges go into one `removals` record (64 KiB); see `removalRanges`.
    static let maximumRemovalRanges = 4096
    /// Subjects longer than this cannot be stored (the length field is 16 bits).
    static let maximumSubjectBytes = Int(UInt16.max)
    /// No sequence above this is ever assigned, so a record or segment header that names one is damaged:
    /// trusting it would leave no room for the next sequence (`lastSequence + 1`).
    static let largestSequence = UInt64(Int64.max)

    /// A decoded body. Ranges index into the body that was decoded.
    enum Body {
        case message(sequence: UInt64, timestamp: Int64, subject: Range<Int>, headers: Range<Int>, payload: Range<Int>)
        case tombstone(sequence: UInt64)
        /// Every message with a sequence in one of these ranges (ascending, disjoint) is removed.
        case removals([ClosedRange<UInt64>])
    }

    /// Size of a message record with these parts, frame included.
    static func messageRecordBytes(subjectBytes: Int, headerBytes: Int, payloadBytes: Int) -> Int {
        RecordFormat.frameBytes + messageFixedBytes + subjectBytes + headerBytes + payloadBytes
    }

    /// Appends a complete message record to `buffer`.
    @inline(__always)
    static func appendMessage(
        to buffer: inout [UInt8], sequence: UInt64, timestamp: Int64, subject: String,
        headers: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        let start = RecordFormat.beginRecord(in: &buffer)
        buffer.append(messageType)
        buffer.appendLittleEndian(sequence)
        buffer.appendLittleEndian(timestamp)
        buffer.appendLittleEndian(UInt16(subject.utf8.count))
        buffer.appendLittleEndian(UInt32(headers.count))
        buffer.append(contentsOf: subject.utf8)
        buffer.append(contentsOf: headers)
        buffer.append(contentsOf: payload)
        RecordFormat.finishRecord(in: &buffer, start: start)
    }

    /// Appends a complete tombstone record to `buffer`.
    @inline(__always)
    static func appendTombstone(to buffer: inout [UInt8], sequence: UInt64) {
        let start = RecordFormat.beginRecord(in: &buffer)
        buffer.append(tombstoneType)
        buffer.appendLittleEndian(sequence)
        RecordFormat.finishRecord(in: &buffer, start: start)
    }

    /// Appends one removal: the same tombstone twice (see `removalBytes`).
    @inline(__always)
    static func appendRemoval(to buffer: inout [UInt8], sequence: UInt64) {
        appendTombstone(to: &buffer, sequence: sequence)
        appendTombstone(to: &buffer, sequence: sequence)
    }

    /// Appends a complete `removals` record to `buffer` and returns its size.
    @discardableResult
    static func appendRemovals(to buffer: inout [UInt8], ranges: [ClosedRange<UInt64>]) -> Int {
        let start = RecordFormat.beginRecord(in: &buffer)
        buffer.append(removalsType)
        buffer.appendLittleEndian(UInt32(ranges.count))
        for range in ranges {
            buffer.appendLittleEndian(range.lowerBound)
            buffer.appendLittleEndian(range.upperBound)
        }
        return RecordFormat.finishRecord(in: &buffer, start: start)
    }

    /// Whether a body whose checksum holds makes sense, without decoding its ranges.
    static func isValid(_ body: UnsafeRawBufferPointer) -> Bool { decode(body) != nil }

    /// Decodes a body whose checksum already holds; nil when it makes no sense.
    static func decode(_ body: UnsafeRawBufferPointer) -> Body? {
        var reader = ByteReader(body)
        guard let type = reader.read(UInt8.self) else { return nil }
        switch type {
        case messageType:
            guard let sequence = reader.read(UInt64.self), let timestamp = reader.read(Int64.self),
                let subjectLength = reader.read(UInt16.self), let headerLength = reader.read(UInt32.self)
            else { return nil }
            let subjectStart = reader.offset
            let headerStart = subjectStart + Int(subjectLength)
            let payloadStart = headerStart + Int(headerLength)
            guard sequence <= largestSequence, subjectLength > 0, payloadStart <= body.count else { return nil }
            return .message(
                sequence: sequence, timestamp: timestamp, subject: subjectStart..<headerStart,
                headers: headerStart..<payloadStart, payload: payloadStart..<body.count)
        case tombstoneType:
            guard let sequence = reader.read(UInt64.self), sequence <= largestSequence, reader.remaining == 0
            else { return nil }
            return .tombstone(sequence: sequence)
        case removalsType:
            guard let count = reader.read(UInt32.self), Int(count) <= maximumRemovalRanges,
                reader.remaining == Int(count) * 16
            else { return nil }
            var ranges: [ClosedRange<UInt64>] = []
            ranges.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let first = reader.read(UInt64.self), let last = reader.read(UInt64.self), first <= last,
                    first > (ranges.last?.upperBound ?? 0), last <= largestSequence
                else { return nil }
                ranges.append(first...last)
            }
            return .removals(ranges)
        default:
            return nil
        }
    }

    /// Decodes a message body into a `StoredMessage`; nil for anything else.
    static func decodeMessage(_ body: UnsafeRawBufferPointer) -> StoredMessage? {
        guard case .message(let sequence, let timestamp, let subject, let headers, let payload)? = decode(body) else {
            return nil
        }
        return StoredMessage(
            sequence: sequence,
            subject: String(decoding: UnsafeRawBufferPointer(rebasing: body[subject]), as: UTF8.self),
            headers: Array(body[headers]), payload: Array(body[payload]), timestamp: timestamp)
    }
}

/// One message read back from a stream.
public struct StoredMessage: Equatable, Sendable {
    public var sequence: UInt64
    public var subject: String
    /// The NATS header block as published (`NATS/1.0\r\n…\r\n\r\n`), or empty.
    public var headers: [UInt8]
    public var payload: [UInt8]
    /// Nanoseconds since the Unix epoch, as given to `append`.
    public var timestamp: Int64

    public init(sequence: UInt64, subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64) {
        self.sequence = sequence
        self.subject = subject
        self.headers = headers
        self.payload = payload
        self.timestamp = timestamp
    }
}
