import TestSupport
import XCTest

@testable import Store

/// Damage anywhere in a stream costs at most the damaged message: acknowledged messages after it stay,
/// removed ones stay removed, and sequences never go backwards.
final class StreamCorruptionTests: StoreTestCase {
    /// One record of a segment file, found by walking its frames.
    struct FileRecord {
        var start: Int
        var end: Int
        var type: UInt8
        var sequence: UInt64
    }

    /// What the workload acknowledged.
    struct Workload {
        var options: StreamStoreOptions
        var live: Set<UInt64>
        var removed: Set<UInt64>
        var lastSequence: UInt64
    }

    func testTheIssueCaseKeepsTheSequenceAndLosesNoAcknowledgedJob() throws {
        let store = try openStream()
        for job in UInt64(1)...3 { try store.append(subject: "jobs", payload: payload(for: job), timestamp: 1) }
        try store.sync()
        try store.close()
        let path = streamDirectory + "/" + (try segmentFiles()[0])
        var bytes = try readFile(path)
        let records = walk(bytes)
        bytes[records[1].start + 40] ^= 0x10  // inside job 2
        try writeFile(path, bytes)

        let reopened = try openStream()
        XCTAssertEqual(reopened.state.lastSequence, 3)
        XCTAssertEqual(reopened.recoveryReport.skippedRecords, 1)
        XCTAssertNotNil(try reopened.message(at: 1))
        XCTAssertNil(try reopened.message(at: 2))
        XCTAssertEqual(try reopened.message(at: 3)?.payload, payload(for: 3))
        XCTAssertEqual(try reopened.append(subject: "jobs", payload: [4], timestamp: 2), 4)
    }

    func testAFlippedByteInAnyFieldOfAnyRecordLosesAtMostThatRecord() throws {
        let workload = try writeWorkload()
        let files = try segmentFiles()
        XCTAssertGreaterThanOrEqual(files.count, 4)
        let originals = try files.map { try readFile(streamDirectory + "/" + $0) }
        var cases = 0
        for fileIndex in Set([0, files.count / 2, files.count - 1]).sorted() {
            let path = streamDirectory + "/" + files[fileIndex]
            let original = originals[fileIndex]
            let records = walk(original)
            var chosen = Set([0, records.count / 2, records.count - 1])
            if let tombstone = records.firstIndex(where: { $0.type == StreamRecord.tombstoneType }) {
                chosen.insert(tombstone)
                chosen.insert(tombstone + 1)
            }
            // The file header (magic, version, kind, base sequence, checksum) counts as one more record.
            var targets = [FileRecord(start: 0, end: FileHeader.size, type: 0, sequence: 0)]
            targets += chosen.sorted().map { records[$0] }
            for record in targets {
                for offset in fieldOffsets(of: record) {
                    for flip: UInt8 in [0xFF, 0x01] {
                        var damaged = original
                        damaged[record.start + offset] ^= flip
                        try restoreFiles(files, originals)
                        try writeFile(path, damaged)
                        let lost: UInt64? = record.type == StreamRecord.messageType ? record.sequence : nil
                        let label = "file \(fileIndex) record@\(record.start) offset \(offset) flip \(flip)"
                        try checkRecovery(workload, mayLose: lost.map { [$0] } ?? [], label)
                        cases += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(cases, 500)
        print("flipped-byte recovery cases: \(cases)")
    }

    func testATruncatedSegmentInTheMiddleLosesOnlyItsCutMessagesAndResurrectsNothing() throws {
        let workload = try writeWorkload()
        let files = try segmentFiles()
        let originals = try files.map { try readFile(streamDirectory + "/" + $0) }
        var cases = 0
        for fileIndex in 1..<files.count - 1 {
            let path = streamDirectory + "/" + files[fileIndex]
            let original = originals[fileIndex]
            let records = walk(original)
            var cuts = Set([0, FileHeader.size / 2, FileHeader.size])
            for record in records { cuts.formUnion([record.start, record.start + 5, (record.start + record.end) / 2]) }
            for cut in cuts.sorted() where cut < original.count {
                try restoreFiles(files, originals)
                try writeFile(path, Array(original[..<cut]))
                let lost = records.filter { $0.type == StreamRecord.messageType && $0.end > cut }.map(\.sequence)
                try checkRecovery(workload, mayLose: Set(lost), "file \(fileIndex) cut at \(cut)")
                cases += 1
            }
        }
        XCTAssertGreaterThan(cases, 50)
        print("truncated-segment recovery cases: \(cases)")
    }

    func testADamagedLastMessageAfterDiscardedSequencesStillKeepsTheLastSequence() throws {
        let faults = FaultInjectingFileSystem()
        let store = try openStream(fileSystem: faults)
        for job in UInt64(1)...3 { try store.append(subject: "jobs", payload: payload(for: job), timestamp: 1) }
        try store.sync()
        faults.failNextSync = true
        for job in UInt64(4)...5 { try store.append(subject: "jobs", payload: payload(for: job), timestamp: 1) }
        XCTAssertThrowsError(try store.sync(), "4 and 5 are discarded; their sequences are not reused")
        let acknowledged = try store.append(subject: "jobs", payload: payload(for: 6), timestamp: 1)
        XCTAssertEqual(acknowledged, 6)
        try store.sync()
        try store.close()
        // Bit rot in the last message, the only record that knew sequence 6.
        let path = streamDirectory + "/" + (try segmentFiles().last!)
        var bytes = try readFile(path)
        let last = try XCTUnwrap(walk(bytes).last)
        bytes[last.end - 3] ^= 0x40
        try writeFile(path, bytes)

        let reopened = try openStream()
        XCTAssertGreaterThanOrEqual(reopened.state.lastSequence, acknowledged)
        XCTAssertGreaterThan(try reopened.append(subject: "jobs", payload: [7], timestamp: 2), acknowledged)
        XCTAssertNotNil(try reopened.message(at: 3))
    }

    func testAPurgeInterruptedBeforeItsOldSegmentsWereDeletedBringsNothingBack() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        for sequence in UInt64(1)...40 {
            try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1)
        }
        try store.sync()
        let files = try segmentFiles()
        let saved = try files.map { try readFile(streamDirectory + "/" + $0) }
        try store.purge()
        try store.close()
        // A crash part way through the deletions: the newest old segment survived.
        try writeFile(streamDirectory + "/" + files[files.count - 1], saved[saved.count - 1])

        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state.messages, 0)
        XCTAssertEqual(reopened.state.lastSequence, 40)
        XCTAssertEqual(try reopened.append(subject: "s", payload: [], timestamp: 1), 41)
    }

    func testASegmentOfRandomBytesIsSteppedOverQuickly() throws {
        let store = try openStream()
        try store.append(subject: "s", payload: [1], timestamp: 1)
        try store.close()
        var generator = SeededGenerator(seed: 21)
        let header = FileHeader(kind: .streamSegment, baseSequence: 1, baseTimestamp: 1).encoded()
        let noise = (0..<(8 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try writeFile(streamDirectory + "/" + Segment.fileName(id: 2), header + noise)
        try writeFile(streamDirectory + "/" + Segment.fileName(id: 3), header)

        let started = Date()
        let reopened = try openStream()
        let seconds = Date().timeIntervalSince(started)
        print("recovering 8 MiB of random bytes took \(seconds) s")
        XCTAssertLessThan(seconds, 10, "the search for the next record is not quadratic")
        XCTAssertNotNil(try reopened.message(at: 1))
        XCTAssertGreaterThanOrEqual(reopened.state.lastSequence, 1)
    }

    // MARK: - Helpers

    /// Appends 90 messages in 2 KiB segments, syncing every few operations (the broker's group commit),
    /// and removes some at the front and some in the middle, out of order, so that segments hold
    /// messages, tombstones for their own messages and for older segments' messages.
    func writeWorkload() throws -> Workload {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        var live = Set<UInt64>()
        var removed = Set<UInt64>()
        func remove(_ sequence: UInt64) throws {
            guard live.contains(sequence) else { return }
            XCTAssertTrue(try store.remove(sequence))
            live.remove(sequence)
            removed.insert(sequence)
        }
        for sequence in UInt64(1)...90 {
            let size = 30 + Int(sequence % 7) * 13
            XCTAssertEqual(
                try store.append(subject: "jobs.\(sequence % 3)", payload: payload(for: sequence, size: size)),
                sequence)
            live.insert(sequence)
            if sequence % 4 == 0 { try remove(sequence - 2) }
            if sequence % 7 == 0 { try remove(sequence - 6) }
            if sequence % 9 == 0 { try remove(sequence / 9) }
            if sequence % 3 == 0 { try store.sync() }
        }
        try store.sync()
        let lastSequence = store.state.lastSequence
        try store.close()
        return Workload(options: options, live: live, removed: removed, lastSequence: lastSequence)
    }

    /// Reopens the damaged stream and checks the promises: every live message but those in `mayLose` is
    /// there with its bytes, no removed message is back, the last sequence did not go backwards, and a
    /// new message gets a higher sequence that survives another restart.
    func checkRecovery(_ workload: Workload, mayLose: Set<UInt64>, _ label: String) throws {
        let store = try openStream(options: workload.options)
        for sequence in workload.live.sorted() {
            let message = try store.message(at: sequence)
            if message == nil, mayLose.contains(sequence) { continue }
            XCTAssertEqual(message?.payload, payload(for: sequence, size: 30 + Int(sequence % 7) * 13), label)
            XCTAssertEqual(message?.subject, "jobs.\(sequence % 3)", label)
        }
        for sequence in workload.removed.sorted() {
            XCTAssertNil(try store.message(at: sequence), "removed \(sequence) came back: \(label)")
        }
        XCTAssertGreaterThanOrEqual(store.state.lastSequence, workload.lastSequence, label)
        let next = try store.append(subject: "after", payload: [1], timestamp: 1)
        XCTAssertGreaterThan(next, workload.lastSequence, label)
        try store.close()
        let again = try openStream(options: workload.options)
        XCTAssertEqual(again.state.lastSequence, next, label)
        XCTAssertEqual(try again.message(at: next)?.payload, [1], label)
        for sequence in workload.removed.sorted() {
            XCTAssertNil(try again.message(at: sequence), "removed \(sequence) came back later: \(label)")
        }
        try again.close()
    }

    /// Offsets inside `record` to damage: every byte of the frame (length, checksum) and of the type and
    /// sequence fields; for a message also the timestamp, length fields, subject and payload; for the file
    /// header every byte.
    func fieldOffsets(of record: FileRecord) -> [Int] {
        let size = record.end - record.start
        guard record.type == StreamRecord.messageType else { return Array(0..<min(size, 17)) + [size - 1] }
        let subject = StreamRecord.messageFixedBytes + RecordFormat.frameBytes
        return Array(0..<17) + [17, 25, 27, 29, subject, subject + 3, size / 2 + 3, size - 1]
    }

    /// The records of a segment file, by following its length fields from the header on.
    func walk(_ bytes: [UInt8]) -> [FileRecord] {
        var records: [FileRecord] = []
        var position = FileHeader.size
        bytes.withUnsafeBytes { raw in
            while position + RecordFormat.frameBytes <= raw.count {
                let length = Int(raw.loadLittleEndian(at: position, as: UInt32.self))
                let end = position + RecordFormat.frameBytes + length
                guard length > 0, end <= raw.count else { break }
                let type = raw[position + RecordFormat.frameBytes]
                let sequence =
                    type == StreamRecord.removalsType
                    ? 0 : raw.loadLittleEndian(at: position + RecordFormat.frameBytes + 1, as: UInt64.self)
                records.append(FileRecord(start: position, end: end, type: type, sequence: sequence))
                position = end
            }
        }
        return records
    }

    /// Puts the stream directory back to exactly `files` with their original bytes.
    func restoreFiles(_ files: [String], _ originals: [[UInt8]]) throws {
        for name in try fileSystem.contentsOfDirectory(streamDirectory) where !files.contains(name) && name != "LOCK" {
            try fileSystem.removeRecursively(streamDirectory + "/" + name)
        }
        for (name, bytes) in zip(files, originals) { try writeFile(streamDirectory + "/" + name, bytes) }
    }
}
