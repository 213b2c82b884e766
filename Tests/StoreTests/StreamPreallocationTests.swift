import XCTest

@testable import Store

/// Zeros written ahead of the records (`StreamStoreOptions.preallocationBytes`): syncs overwrite
/// them instead of growing the file, and opening reads them as the end of the records, not damage.
final class StreamPreallocationTests: StoreTestCase {
    var preallocating: StreamStoreOptions {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 64 << 10
        options.preallocationBytes = 4 << 10
        return options
    }

    func appendAndSync(_ store: StreamStore, _ sequence: UInt64) throws {
        XCTAssertEqual(
            try store.append(subject: "p.\(sequence % 3)", payload: payload(for: sequence, size: 100)), sequence)
        try store.sync()
    }

    func testSyncsOverwriteTheZerosWrittenAheadInsteadOfGrowingTheFile() throws {
        let store = try openStream(options: preallocating)
        try appendAndSync(store, 1)
        let path = store.active.path
        let allocated = fileSize(path)
        XCTAssertEqual(allocated, Int(store.writer.end) + (4 << 10), "the first sync writes 4 KiB of zeros after it")
        for sequence in UInt64(2)...20 {
            try appendAndSync(store, sequence)
            XCTAssertEqual(fileSize(path), allocated, "seq \(sequence): the sync did not change the file's size")
        }
        while store.writer.end < Int64(allocated) { try appendAndSync(store, store.state.lastSequence + 1) }
        XCTAssertEqual(fileSize(path), Int(store.writer.end) + (4 << 10), "the next stretch of zeros follows")
        try store.close()
    }

    func testTheZerosNeverTakeASegmentPastItsMaximumSize() throws {
        var options = preallocating
        options.maximumSegmentBytes = 6 << 10
        let store = try openStream(options: options)
        for sequence in UInt64(1)...200 { try appendAndSync(store, sequence) }
        XCTAssertGreaterThan(store.segmentCount, 3)
        for name in try segmentFiles() {
            XCTAssertLessThanOrEqual(fileSize(streamDirectory + "/" + name), 6 << 10, name)
        }
        try store.close()
        // Every segment, not only the last, may end in zeros.
        let reopened = try openStream(options: options)
        XCTAssertTrue(reopened.recoveryReport.isClean, "\(reopened.recoveryReport)")
        XCTAssertEqual(reopened.state.messages, 200)
        XCTAssertEqual(try reopened.message(at: 100)?.payload, payload(for: 100, size: 100))
        try reopened.close()
    }

    func testZerosAfterTheLastRecordAreTheEndOfTheRecordsAndNotDamage() throws {
        let store = try openStream(options: preallocating)
        for sequence in UInt64(1)...20 { try appendAndSync(store, sequence) }
        let path = store.active.path
        try store.close()
        let size = fileSize(path)
        for round in 0..<2 {
            let reopened = try openStream(options: preallocating)
            XCTAssertTrue(reopened.recoveryReport.isClean, "round \(round): \(reopened.recoveryReport)")
            XCTAssertEqual(fileSize(path), size, "round \(round): the zeros are kept, not cut")
            XCTAssertEqual(reopened.state.messages, 20 + round)
            for sequence in UInt64(1)...UInt64(20 + round) {
                XCTAssertEqual(try reopened.message(at: sequence)?.payload, payload(for: sequence, size: 100))
            }
            try appendAndSync(reopened, UInt64(21 + round))
            XCTAssertEqual(fileSize(path), size, "round \(round): appending after a reopen overwrites the zeros")
            try reopened.close()
        }
    }

    func testAZeroFilledTailOfAStoreThatDoesNotPreallocateIsReadAsTheEnd() throws {
        // What a file system may leave after a crash when the size reached the disk but the data did not.
        let store = try openStream()
        for sequence in UInt64(1)...5 { try appendAndSync(store, sequence) }
        let path = store.active.path
        let end = Int(store.writer.end)
        try store.close()
        truncateFile(path, to: end + 1000)
        let reopened = try openStream()
        XCTAssertTrue(reopened.recoveryReport.isClean, "\(reopened.recoveryReport)")
        XCTAssertEqual(reopened.state.messages, 5)
        try appendAndSync(reopened, 6)
        try reopened.close()
        let again = try openStream()
        XCTAssertEqual(again.state.messages, 6)
        XCTAssertEqual(try again.message(at: 6)?.payload, payload(for: 6, size: 100))
        try again.close()
    }

    func testZerosThatCannotBeWrittenDoNotFailThePublishThatNeededThem() throws {
        let faults = FaultInjectingFileSystem()
        let store = try openStream(options: preallocating, fileSystem: faults)
        // The sync writes the record, then the zeros: the second write fails.
        faults.failWrite(after: 2)
        try appendAndSync(store, 1)
        XCTAssertEqual(faults.failures, 1)
        let path = store.active.path
        XCTAssertEqual(fileSize(path), Int(store.writer.end), "no zeros were written")
        try appendAndSync(store, 2)
        XCTAssertEqual(fileSize(path), Int(store.writer.end) + (4 << 10), "the next flush writes them")
        try store.close()
        let reopened = try openStream(options: preallocating)
        XCTAssertEqual(reopened.state.messages, 2)
        try reopened.close()
    }

    func testAFailedSyncCutsTheZerosWithTheUnsyncedRecordsAndTheStoreGoesOn() throws {
        let faults = FaultInjectingFileSystem()
        let store = try openStream(options: preallocating, fileSystem: faults)
        try appendAndSync(store, 1)
        let durable = store.writer.durableEnd
        try store.append(subject: "p.lost", payload: payload(for: 2, size: 100))
        faults.failNextSync = true
        XCTAssertThrowsError(try store.sync())
        XCTAssertFalse(store.contains(2))
        XCTAssertEqual(fileSize(store.active.path), Int(durable), "cut back to the last durable point")
        try store.append(subject: "p.kept", payload: payload(for: 3, size: 100))
        try store.sync()
        try store.close()
        let reopened = try openStream(options: preallocating)
        XCTAssertTrue(reopened.recoveryReport.isClean, "\(reopened.recoveryReport)")
        XCTAssertEqual(reopened.state.messages, 2)
        XCTAssertNotNil(try reopened.message(at: 1))
        XCTAssertNil(try reopened.message(at: 2))
        try reopened.close()
    }
}
