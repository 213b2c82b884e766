import XCTest

@testable import Store

/// Messages read one after another come from one block read; the block never answers for bytes that
/// may still change or that a rewrite moved.
final class StreamReadAheadTests: StoreTestCase {
    func testConsecutiveMessagesTakeOneReadPerBlock() throws {
        let fileSystem = FaultInjectingFileSystem()
        let store = try openStream(fileSystem: fileSystem)
        for sequence in UInt64(1)...100 {
            try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1)
        }
        try store.sync()
        let readsBefore = fileSystem.reads
        for sequence in UInt64(1)...100 {
            XCTAssertEqual(try store.message(at: sequence)?.payload, payload(for: sequence, size: 100))
        }
        XCTAssertLessThanOrEqual(fileSystem.reads - readsBefore, 2)
    }

    func testMessagesSyncedAfterABlockWasReadAreReadFromTheFile() throws {
        var options = StreamStoreOptions()
        // Zeros already on disk past the last record: a block must not take them for records to come.
        options.preallocationBytes = 1 << 20
        let store = try openStream(options: options)
        for round in 0..<3 {
            let range = UInt64(round * 10 + 1)...UInt64(round * 10 + 10)
            for sequence in range {
                try store.append(subject: "s", payload: payload(for: sequence, size: 60), timestamp: 1)
            }
            try store.sync()
            for sequence in range {
                XCTAssertEqual(try store.message(at: sequence)?.payload, payload(for: sequence, size: 60))
            }
        }
    }

    func testARewrittenSegmentIsReadFromItsNewFile() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        options.rewriteMinimumBytes = 0
        let store = try openStream(options: options)
        // 134-byte records, 15 per segment: segment 1 holds 1…15.
        for sequence in UInt64(1)...40 {
            try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1)
        }
        try store.sync()
        let kept = UInt64(2)...8
        for sequence in kept {
            XCTAssertEqual(try store.message(at: sequence)?.payload, payload(for: sequence, size: 100))
        }
        let firstSegmentEnd = store.segments[0].validEnd
        for sequence in [1] + Array(UInt64(9)...15) { XCTAssertTrue(try store.remove(sequence)) }
        try store.sync()  // compacts: segment 1 is rewritten
        try store.compact()
        XCTAssertLessThan(store.segments[0].validEnd, firstSegmentEnd)
        // Message 3 now sits where message 2 was: a block kept from the old file would answer with 2.
        for sequence in kept.dropFirst() {
            XCTAssertEqual(try store.message(at: sequence)?.payload, payload(for: sequence, size: 100))
        }
        XCTAssertEqual(try store.message(at: 2)?.payload, payload(for: 2, size: 100))
    }
}
