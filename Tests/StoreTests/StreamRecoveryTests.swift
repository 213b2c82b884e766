import TestSupport
import XCTest

@testable import Store

final class StreamRecoveryTests: StoreTestCase {
    /// One record of the last segment, as the test wrote it.
    struct WrittenRecord {
        var isTombstone: Bool
        var sequence: UInt64
        var start: Int
        var end: Int
    }

    /// Writes messages 1…40 (the first ones landing in older segments), removes 38 and 39, appends 41
    /// and 42, and returns the records of the last segment with their offsets.
    func writeStreamWithTail(options: StreamStoreOptions) throws -> (path: String, records: [WrittenRecord]) {
        let store = try openStream(options: options)
        var records: [WrittenRecord] = []
        /// Notes the record that was just written and ends `before` bytes before the writer's end.
        func noteLast(_ isTombstone: Bool, _ sequence: UInt64, recordBytes: Int, before: Int = 0) {
            let end = Int(store.writer.end) - before
            if records.last.map({ $0.end > end - recordBytes }) ?? false { records.removeAll() }  // a roll happened
            records.append(
                WrittenRecord(isTombstone: isTombstone, sequence: sequence, start: end - recordBytes, end: end))
        }
        func appendMessage(_ sequence: UInt64) throws {
            let subject = "s.\(sequence)"
            try store.append(subject: subject, payload: payload(for: sequence, size: 100), timestamp: 1)
            let recordBytes = StreamRecord.messageRecordBytes(
                subjectBytes: subject.utf8.count, headerBytes: 0, payloadBytes: 100)
            noteLast(false, sequence, recordBytes: recordBytes)
        }
        for sequence in UInt64(1)...40 { try appendMessage(sequence) }
        for sequence: UInt64 in [38, 39] {
            try store.remove(sequence)
            // A removal is the same tombstone twice.
            let bytes = StreamRecord.tombstoneRecordBytes
            noteLast(true, sequence, recordBytes: bytes, before: bytes)
            noteLast(true, sequence, recordBytes: bytes)
        }
        for sequence: UInt64 in [41, 42] { try appendMessage(sequence) }
        try store.close()
        return (store.active.path, records)
    }

    /// Checks that exactly the records ending at or before `cut` took effect.
    func assertRecovered(
        _ store: StreamStore, records: [WrittenRecord], cut: Int, checkReport: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        // Live: every message written before the cut whose tombstone (if any) is not before the cut.
        var live = Set(UInt64(1)...UInt64(42))
        for record in records where !record.isTombstone && record.end > cut { live.remove(record.sequence) }
        for record in records where record.isTombstone && record.end <= cut { live.remove(record.sequence) }
        XCTAssertEqual(store.state.messages, live.count, "cut at \(cut)", file: file, line: line)
        for sequence in UInt64(1)...42 {
            let message = try store.message(at: sequence)
            XCTAssertEqual(
                message != nil, live.contains(sequence), "seq \(sequence), cut \(cut)", file: file, line: line)
            if let message {
                XCTAssertEqual(message.payload, payload(for: sequence, size: 100), file: file, line: line)
            }
        }
        guard checkReport else { return }
        let boundary = records.map(\.end).filter { $0 <= cut }.max() ?? records[0].start
        XCTAssertEqual(store.recoveryReport.truncatedBytes, Int64(cut - boundary), "cut \(cut)", file: file, line: line)
        XCTAssertEqual(
            store.recoveryReport.truncatedRecords, cut > boundary ? 1 : 0, "cut \(cut)", file: file, line: line)
    }

    func testEveryCutPointInTheLastRecordsRecoversExactlyThePrefix() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let (path, records) = try writeStreamWithTail(options: options)
        XCTAssertGreaterThanOrEqual(records.count, 5)
        let original = try readFile(path)
        let tail = records.suffix(5)
        for cut in tail.first!.start...original.count {
            try writeFile(path, Array(original[..<cut]))
            let store = try openStream(options: options)
            try assertRecovered(store, records: records, cut: cut)
            XCTAssertEqual(fileSize(path), records.map(\.end).filter { $0 <= cut }.max() ?? records[0].start)
            // The cut store keeps working and its next sequence follows the last one it knows.
            let next = try store.append(subject: "after", payload: [1], timestamp: 2)
            XCTAssertGreaterThan(next, records.filter { !$0.isTombstone && $0.end <= cut }.map(\.sequence).max() ?? 0)
            try store.close()
        }
    }

    func testEveryCutPointFollowedByPreallocatedZerosRecoversExactlyThePrefix() throws {
        // A crash while writing into zeros written ahead leaves the records up to some byte, then zeros.
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        options.preallocationBytes = 1 << 10
        let (path, records) = try writeStreamWithTail(options: options)
        let original = try readFile(path)
        let recordsEnd = records.last!.end
        XCTAssertGreaterThan(original.count, recordsEnd, "the segment ends in zeros")
        XCTAssertTrue(original[recordsEnd...].allSatisfy { $0 == 0 })
        for cut in records.suffix(5).first!.start...recordsEnd {
            try writeFile(path, Array(original[..<cut]) + [UInt8](repeating: 0, count: original.count - cut))
            // Bytes lost to the zeros that were zeros anyway (a tombstone's high sequence bytes) lose nothing.
            var kept = cut
            while kept < original.count, original[kept] == 0 { kept += 1 }
            let store = try openStream(options: options)
            try assertRecovered(store, records: records, cut: kept, checkReport: false)
            let boundary = records.map(\.end).filter { $0 <= kept }.max() ?? records[0].start
            if kept == boundary || kept == original.count {
                XCTAssertTrue(store.recoveryReport.isClean, "cut \(cut) at a record's end: \(store.recoveryReport)")
                XCTAssertEqual(fileSize(path), original.count, "cut \(cut): the zeros are kept")
            } else {
                XCTAssertEqual(store.recoveryReport.truncatedRecords, 1, "cut \(cut)")
                XCTAssertEqual(fileSize(path), boundary, "cut \(cut): the torn record and the zeros are cut")
            }
            let next = try store.append(subject: "after", payload: [1], timestamp: 2)
            try store.sync()
            XCTAssertGreaterThan(next, records.filter { !$0.isTombstone && $0.end <= kept }.map(\.sequence).max() ?? 0)
            try store.close()
            let reopened = try openStream(options: options)
            XCTAssertTrue(reopened.recoveryReport.isClean, "cut \(cut), reopened: \(reopened.recoveryReport)")
            XCTAssertNotNil(try reopened.message(at: next))
            try reopened.close()
        }
    }

    func testRandomCutPointsRecoverAPrefixAndReportTheCut() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let (path, records) = try writeStreamWithTail(options: options)
        let original = try readFile(path)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<60 {
            let cut = Int.random(in: records[0].start...original.count, using: &generator)
            try writeFile(path, Array(original[..<cut]))
            let store = try openStream(options: options)
            try assertRecovered(store, records: records, cut: cut)
            try store.close()
        }
    }

    func testDamageInAnOlderSegmentSkipsThatRecordOnly() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        for sequence in UInt64(1)...60 {
            try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1)
        }
        try store.close()
        let files = try segmentFiles()
        XCTAssertGreaterThan(files.count, 2)
        let firstPath = streamDirectory + "/" + files[0]
        var bytes = try readFile(firstPath)
        let recordBytes = StreamRecord.messageRecordBytes(subjectBytes: 1, headerBytes: 0, payloadBytes: 100)
        bytes[FileHeader.size + recordBytes * 5 + 40] ^= 0xFF  // inside message 6
        try writeFile(firstPath, bytes)

        let reopened = try openStream(options: options)
        let damage = try XCTUnwrap(reopened.recoveryReport.damagedFiles.first)
        XCTAssertEqual(damage.path, firstPath)
        XCTAssertEqual(damage.offset, Int64(FileHeader.size + recordBytes * 5))
        XCTAssertEqual(damage.bytes, Int64(recordBytes))
        XCTAssertEqual(damage.reason, .checksumMismatch)
        XCTAssertFalse(damage.truncated)
        XCTAssertEqual(reopened.recoveryReport.skippedRecords, 1)
        XCTAssertEqual(fileSize(firstPath), bytes.count, "an older segment is left as it is")
        for sequence in UInt64(1)...60 {
            XCTAssertEqual(try reopened.message(at: sequence) != nil, sequence != 6, "seq \(sequence)")
        }
        XCTAssertEqual(try reopened.append(subject: "s", payload: [], timestamp: 1), 61)
    }

    func testATornHeaderOfTheLastSegmentStartsItOverWithoutLosingTheSequence() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        for sequence in UInt64(1)...30 {
            try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1)
        }
        try store.close()
        let files = try segmentFiles()
        let next = Segment.fileName(id: UInt32(files.count + 1))
        let header = FileHeader(kind: .streamSegment, baseSequence: 30, baseTimestamp: 1).encoded()
        try writeFile(streamDirectory + "/" + next, Array(header.prefix(10)))

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.recoveryReport.damagedFiles.first?.reason, .invalidHeader)
        XCTAssertEqual(reopened.recoveryReport.truncatedBytes, 10)
        XCTAssertEqual(reopened.state.messages, 30)
        XCTAssertEqual(try reopened.append(subject: "s", payload: [], timestamp: 1), 31)
        try reopened.close()
        XCTAssertTrue(try openStream(options: options).recoveryReport.isClean)
    }

    func testGarbageFilesNeverCrashRecovery() throws {
        var generator = SeededGenerator(seed: 13)
        let header = FileHeader(kind: .streamSegment, baseSequence: 0, baseTimestamp: 0).encoded()
        for round in 0..<40 {
            try fileSystem.removeRecursively(streamDirectory)
            try fileSystem.createDirectory(streamDirectory)
            for id in 1...3 {
                let size = Int.random(in: 0..<3000, using: &generator)
                var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if round % 2 == 0 { bytes = header + bytes }
                // Plausible frames with random bodies and lengths.
                if round % 4 == 0 {
                    var frames: [UInt8] = []
                    for _ in 0..<20 {
                        let body = (0..<Int.random(in: 1..<60, using: &generator)).map { _ in
                            UInt8.random(in: 0...3, using: &generator)
                        }
                        let start = RecordFormat.beginRecord(in: &frames)
                        frames += body
                        RecordFormat.finishRecord(in: &frames, start: start)
                    }
                    bytes = header + frames
                }
                try writeFile(streamDirectory + "/" + Segment.fileName(id: UInt32(id)), bytes)
            }
            let store = try openStream()
            let state = store.state
            for sequence in state.firstSequence..<state.firstSequence + UInt64(min(state.messages, 50)) {
                _ = try? store.message(at: sequence)
            }
            let next = try store.append(subject: "ok", payload: [1], timestamp: 1)
            XCTAssertGreaterThan(next, state.lastSequence)
            try store.sync()
            try store.close()
            XCTAssertEqual(try openStream().state.lastSequence, next, "round \(round)")
        }
    }

    func testLeftoverTemporaryFilesAreRemovedOnOpen() throws {
        let store = try openStream()
        try store.append(subject: "s", payload: [1], timestamp: 1)
        try store.close()
        try writeFile(streamDirectory + "/00000001.seg.tmp", [1, 2, 3])
        let reopened = try openStream()
        XCTAssertEqual(reopened.recoveryReport.removedTemporaryFiles, 1)
        XCTAssertFalse(try fileSystem.contentsOfDirectory(streamDirectory).contains("00000001.seg.tmp"))
        XCTAssertEqual(reopened.state.messages, 1)
    }
}
