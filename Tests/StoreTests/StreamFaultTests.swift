import Glibc
import TestSupport
import XCTest

@testable import Store

final class StreamFaultTests: StoreTestCase {
    let faults = FaultInjectingFileSystem()

    func openFaultyStream(writeBufferBytes: Int = 512, segmentBytes: Int = 16 << 20) throws -> StreamStore {
        var options = StreamStoreOptions()
        options.writeBufferBytes = writeBufferBytes
        options.maximumSegmentBytes = segmentBytes
        return try openStream(options: options, fileSystem: faults)
    }

    func appendNumbered(_ store: StreamStore) throws -> UInt64 {
        let next = store.state.lastSequence + 1
        return try store.append(
            subject: "q.\(next % 4)", payload: payload(for: next, size: 100), timestamp: Int64(next))
    }

    func assertIntact(
        _ store: StreamStore, _ sequences: some Sequence<UInt64>, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for sequence in sequences {
            let message = try store.message(at: sequence)
            XCTAssertEqual(
                message?.payload, payload(for: sequence, size: 100), "seq \(sequence)", file: file, line: line)
        }
    }

    func testAWriteFailureInTheMiddleOfABatchKeepsSyncedDataAndTheStoreUsable() throws {
        let store = try openFaultyStream()
        for _ in 0..<100 { _ = try appendNumbered(store) }
        try store.sync()
        let synced = store.state
        let segmentPath = store.active.path
        let syncedSize = fileSize(segmentPath)

        faults.failWrite(after: 3)  // the third buffer flush of the next batch runs out of space
        var handedOut: [UInt64] = []
        var failure: Error?
        for _ in 0..<50 {
            do { handedOut.append(try appendNumbered(store)) } catch {
                failure = error
                break
            }
        }
        XCTAssertEqual(failure as? StoreError, .diskFull(path: segmentPath))
        XCTAssertFalse(handedOut.isEmpty)
        XCTAssertEqual(store.state.messages, synced.messages, "the unsynced batch is discarded")
        XCTAssertEqual(fileSize(segmentPath), syncedSize, "the file is cut back to the last sync")
        for sequence in handedOut { XCTAssertNil(try store.message(at: sequence)) }
        try assertIntact(store, 1...100)

        // Later appends work and never reuse a sequence that was handed out.
        let next = try appendNumbered(store)
        XCTAssertGreaterThan(next, handedOut.max()! + 1)
        try store.sync()
        try store.close()

        let reopened = try openStream()
        XCTAssertTrue(reopened.recoveryReport.isClean)
        XCTAssertEqual(reopened.state.messages, 101)
        try assertIntact(reopened, Array(1...100) + [next])
    }

    func testAHalfWrittenFlushIsCutBackToTheLastSync() throws {
        let store = try openFaultyStream(writeBufferBytes: 1 << 20)
        for _ in 0..<20 { _ = try appendNumbered(store) }
        try store.sync()
        for _ in 0..<20 { _ = try appendNumbered(store) }
        faults.failWrite(after: 1, .halfWritten)
        XCTAssertThrowsError(try store.sync()) { error in
            XCTAssertEqual(error as? StoreError, .diskFull(path: store.active.path))
        }
        XCTAssertEqual(store.state.messages, 20)
        XCTAssertEqual(try appendNumbered(store), 41)
        try store.sync()
        try store.close()
        let reopened = try openStream()
        XCTAssertTrue(reopened.recoveryReport.isClean, "\(reopened.recoveryReport)")
        try assertIntact(reopened, Array(1...20) + [41])
        XCTAssertNil(try reopened.message(at: 21))
    }

    func testAFailedFdatasyncDiscardsTheUnsyncedBatch() throws {
        let store = try openFaultyStream()
        for _ in 0..<10 { _ = try appendNumbered(store) }
        try store.sync()
        for _ in 0..<10 { _ = try appendNumbered(store) }
        faults.failNextSync = true
        XCTAssertThrowsError(try store.sync()) { error in
            XCTAssertEqual(error as? StoreError, .ioFailure(operation: "fdatasync", path: store.active.path, code: EIO))
        }
        XCTAssertEqual(store.state.messages, 10)
        XCTAssertEqual(store.state.lastSequence, 20, "handed-out sequences are not reused")
        try store.sync()
        try assertIntact(store, 1...10)
    }

    func testRemovalsSurviveAFailedWrite() throws {
        let store = try openFaultyStream(writeBufferBytes: 1 << 20)
        for _ in 0..<10 { _ = try appendNumbered(store) }
        try store.sync()
        XCTAssertTrue(try store.remove(3))
        XCTAssertTrue(try store.remove(5))
        let eleven = try appendNumbered(store)
        XCTAssertTrue(try store.remove(eleven))
        faults.failWrite(after: 1)
        XCTAssertThrowsError(try store.sync())
        XCTAssertFalse(store.contains(3))
        XCTAssertFalse(store.contains(5))
        XCTAssertEqual(store.state.messages, 8)
        try store.sync()
        try store.close()
        let reopened = try openStream()
        XCTAssertEqual(reopened.state.messages, 8)
        XCTAssertFalse(reopened.contains(3))
        XCTAssertFalse(reopened.contains(5))
        try assertIntact(reopened, [1, 2, 4, 6, 7, 8, 9, 10])
    }

    func testAFailureWhileStartingANewSegmentLeavesNoStrayFile() throws {
        let store = try openFaultyStream(writeBufferBytes: 0, segmentBytes: 1 << 10)
        for _ in 0..<7 { _ = try appendNumbered(store) }  // 7 × 131 bytes fit in 1 KiB
        try store.sync()
        XCTAssertEqual(try segmentFiles().count, 1)
        faults.failWrite(after: 1)  // the new segment's header
        XCTAssertThrowsError(try appendNumbered(store)) { error in
            XCTAssertEqual(error as? StoreError, .diskFull(path: self.streamDirectory + "/00000002.seg"))
        }
        XCTAssertEqual(try segmentFiles().count, 1)
        XCTAssertEqual(store.state.messages, 7)
        XCTAssertEqual(try appendNumbered(store), 8)
        try store.sync()
        XCTAssertEqual(try segmentFiles().count, 2)
        try store.close()
        try assertIntact(try openStream(), 1...8)
    }

    func testPreviouslySyncedDataSurvivesRepeatedFailures() throws {
        let store = try openFaultyStream(writeBufferBytes: 300, segmentBytes: 4 << 10)
        var durable: [UInt64] = []
        var generator = SeededGenerator(seed: 5)
        for round in 0..<40 {
            var batch: [UInt64] = []
            if round % 3 == 1 {
                let fault: FaultInjectingFileSystem.WriteFault = round % 2 == 0 ? .halfWritten : .nothingWritten
                faults.failWrite(after: Int.random(in: 1...4, using: &generator), fault)
            }
            do {
                for _ in 0..<Int.random(in: 1...12, using: &generator) { batch.append(try appendNumbered(store)) }
                try store.sync()
                durable += batch
            } catch {
                // What survives a failure is durable (a segment roll synced it): always a prefix of the batch.
                XCTAssertTrue(error is StoreError)
                let kept = batch.filter { store.contains($0) }
                XCTAssertEqual(kept, Array(batch.prefix(kept.count)))
                durable += kept
            }
            faults.writesUntilFailure = nil
            try assertIntact(store, durable)
            XCTAssertEqual(store.state.messages, durable.count)
        }
        XCTAssertGreaterThan(faults.failures, 5)
        try store.close()
        let reopened = try openStream()
        XCTAssertTrue(reopened.recoveryReport.isClean, "\(reopened.recoveryReport)")
        XCTAssertEqual(reopened.state.messages, durable.count)
        try assertIntact(reopened, durable)
    }
}
