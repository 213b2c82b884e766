import TestSupport
import XCTest

@testable import Store

final class RecordFormatTests: XCTestCase {
    func testCRC32CMatchesTheStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
    }

    func testSlicedChecksumAgreesWithTheBitwiseOneAtEveryLengthAndAlignment() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                let slice = Array(bytes[start..<end])
                XCTAssertEqual(CRC32C.checksum(slice), CRC32C.referenceChecksum(slice), "\(start)..<\(end)")
            }
        }
    }

    func testChecksumsCanBeComputedInPieces() {
        let bytes = Array("the quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32C.checksum(bytes)
        for cut in 0...bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<cut]))
            XCTAssertEqual(CRC32C.checksum(Array(bytes[cut...]), continuing: first), whole)
        }
    }

    func testMessageAndTombstoneRecordsRoundTrip() {
        var buffer: [UInt8] = []
        let headers = Array("NATS/1.0\r\nNats-Msg-Id: 7\r\n\r\n".utf8)
        let body = Array("hello".utf8)
        headers.withUnsafeBytes { headerBytes in
            body.withUnsafeBytes { payloadBytes in
                StreamRecord.appendMessage(
                    to: &buffer, sequence: 42, timestamp: -5, subject: "jobs.ünïcode", headers: headerBytes,
                    payload: payloadBytes)
            }
        }
        let messageEnd = buffer.count
        XCTAssertEqual(
            messageEnd,
            StreamRecord.messageRecordBytes(
                subjectBytes: "jobs.ünïcode".utf8.count, headerBytes: headers.count, payloadBytes: body.count))
        StreamRecord.appendTombstone(to: &buffer, sequence: 42)
        XCTAssertEqual(buffer.count - messageEnd, StreamRecord.tombstoneRecordBytes)
        buffer.withUnsafeBytes { bytes in
            let message = StreamRecord.decodeMessage(UnsafeRawBufferPointer(rebasing: bytes[8..<messageEnd]))
            XCTAssertEqual(
                message,
                StoredMessage(
                    sequence: 42, subject: "jobs.ünïcode", headers: headers, payload: body, timestamp: -5))
            guard
                case .tombstone(42)? = StreamRecord.decode(UnsafeRawBufferPointer(rebasing: bytes[(messageEnd + 8)...]))
            else { return XCTFail("tombstone did not decode") }
        }
    }

    func testEveryTruncationOfAMessageBodyIsRejectedNotCrashed() {
        var buffer: [UInt8] = []
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { headers in
            [UInt8](repeating: 2, count: 10).withUnsafeBytes { payload in
                StreamRecord.appendMessage(
                    to: &buffer, sequence: 1, timestamp: 1, subject: "a.b", headers: headers, payload: payload)
            }
        }
        let body = Array(buffer[8...])
        // Cutting into the subject or headers must fail; cutting the payload only shortens it.
        let payloadStart = StreamRecord.messageFixedBytes + 3 + 10
        for cut in 0..<body.count {
            let decoded = Array(body[..<cut]).withUnsafeBytes { StreamRecord.decode($0) }
            XCTAssertEqual(decoded == nil, cut < payloadStart, "cut at \(cut)")
        }
    }

    func testFileHeadersRoundTripAndRejectDamage() {
        let header = FileHeader(kind: .streamSegment, baseSequence: 99, baseTimestamp: 1234)
        let bytes = header.encoded()
        XCTAssertEqual(bytes.count, FileHeader.size)
        XCTAssertEqual(bytes.withUnsafeBytes { FileHeader.decode($0) }, header)
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= 0x10
            XCTAssertNil(damaged.withUnsafeBytes { FileHeader.decode($0) }, "flip at \(position)")
        }
        XCTAssertNil(Array(bytes.dropLast()).withUnsafeBytes { FileHeader.decode($0) })
    }

    func testConsumerRecordsRoundTrip() {
        let records: [ConsumerRecord] = [
            .config(Array("{\"durable_name\":\"w\"}".utf8)),
            .delivered(streamSequence: 5, consumerSequence: 2, deliveryCount: 3, timestamp: 77),
            .acked(streamSequence: 5),
            .terminated(streamSequence: 9),
            .snapshot(
                config: [1, 2, 3], delivered: SequencePair(consumer: 8, stream: 20),
                pending: [(UInt64(11), PendingDelivery(consumerSequence: 4, deliveryCount: 1, timestamp: 5))]),
        ]
        for record in records {
            var buffer: [UInt8] = []
            record.append(to: &buffer)
            let decoded = buffer.withUnsafeBytes { ConsumerRecord.decode(UnsafeRawBufferPointer(rebasing: $0[8...])) }
            XCTAssertEqual(decoded, record)
        }
    }
}
