import XCTest

@testable import Store

final class StreamCompactionTests: StoreTestCase {
    func testAWorkQueueThatAppendsAndRemovesForeverKeepsABoundedNumberOfSegments() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 64 << 10
        let store = try openStream(options: options)
        let body = [UInt8](repeating: 0x5A, count: 128)
        var mostSegments = 0
        var mostBytes: Int64 = 0
        for cycle in 1...200_000 {
            let sequence = try store.append(subject: "work.items", payload: body, timestamp: Int64(cycle))
            XCTAssertTrue(try store.remove(sequence))
            if cycle % 500 == 0 {
                try store.sync()
                mostSegments = max(mostSegments, try segmentFiles().count)
                mostBytes = max(mostBytes, store.diskBytes)
            }
        }
        try store.sync()
        // 200k × (159 + 17) bytes ≈ 34 MiB went through; at most the active segment and one finished
        // one that still waits for its deletion are ever on disk.
        XCTAssertLessThanOrEqual(mostSegments, 2)
        XCTAssertLessThanOrEqual(mostBytes, Int64(2 * options.maximumSegmentBytes))
        XCTAssertGreaterThan(store.active.id, 500)
        XCTAssertEqual(store.state.messages, 0)
        XCTAssertEqual(store.state.lastSequence, 200_000)
        try store.close()
        let reopened = try openStream(options: options)
        XCTAssertEqual(reopened.state.lastSequence, 200_000)
        XCTAssertEqual(try reopened.append(subject: "work.items", payload: body, timestamp: 0), 200_001)
    }

    func testASegmentWhoseTombstonesHideOlderMessagesIsKeptUntilThoseAreGone() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 2 << 10
        let store = try openStream(options: options)
        func fill(_ range: ClosedRange<UInt64>) throws {
            for sequence in range {
                XCTAssertEqual(
                    try store.append(subject: "s", payload: payload(for: sequence, size: 100), timestamp: 1), sequence)
            }
        }
        // 134-byte records: 15 per segment. Segment 1 holds 1…15, segment 2 16…30, segment 3 from 31 on.
        try fill(1...40)
        XCTAssertEqual(store.active.id, 3)
        try store.remove(1)  // a tombstone in segment 3 hides a message of segment 1
        for sequence in UInt64(16)...30 { try store.remove(sequence) }
        try store.sync()
        XCTAssertEqual(try segmentFiles(), ["00000001.seg", "00000003.seg"], "segment 2 is fully dead")

        try fill(41...60)  // segment 3 is finished
        let third = try XCTUnwrap(store.segment(withID: 3))
        XCTAssertEqual(third.firstSequence, 31)
        for sequence in third.firstSequence...third.lastSequence { try store.remove(sequence) }
        let remaining = 60 - Int(third.lastSequence)
        try store.sync()
        XCTAssertTrue(try segmentFiles().contains("00000003.seg"), "its tombstone for 1 must outlive segment 1")
        try store.close()

        let reopened = try openStream(options: options)
        XCTAssertNil(try reopened.message(at: 1))
        XCTAssertEqual(reopened.state.firstSequence, 2)
        for sequence in UInt64(2)...15 { try reopened.remove(sequence) }
        try reopened.sync()
        XCTAssertFalse(try segmentFiles().contains("00000001.seg"))
        XCTAssertFalse(try segmentFiles().contains("00000003.seg"), "deleted in the next round")
        XCTAssertEqual(reopened.state.messages, remaining)
        try reopened.close()
        XCTAssertEqual(try openStream(options: options).state.messages, remaining)
    }

    func testMostlyDeadSegmentsAreRewrittenAndStayCorrectAfterReopen() throws {
        var options = StreamStoreOptions()
        options.maximumSegmentBytes = 8 << 10
        options.rewriteMinimumBytes = 0
        let store = try openStream(options: options)
        var kept: [UInt64] = []
        for range in [UInt64(1)...200, 201...400] {
            for sequence in range {
                try store.append(subject: "s.\(sequence % 7)", payload: payload(for: sequence, size: 100), timestamp: 1)
            }
            for sequence in range {
                if sequence % 10 == 0 { kept.append(sequence) } else { try store.remove(sequence) }
            }
        }
        try store.sync()
        let before = store.diskBytes
        let segmentsBefore = store.segmentCount
        for _ in 0..<segmentsBefore { try store.compact() }
        // A removal writes its tombstone twice, and those covering older segments stay.
        XCTAssertLessThan(store.diskBytes, before / 2, "from \(before) bytes")
        XCTAssertEqual(store.segmentCount, segmentsBefore)
        func check(_ store: StreamStore) throws {
            XCTAssertEqual(store.state.messages, kept.count)
            for sequence in UInt64(1)...400 {
                let message = try store.message(at: sequence)
                XCTAssertEqual(message?.payload, kept.contains(sequence) ? payload(for: sequence, size: 100) : nil)
            }
            XCTAssertEqual(store.nextSequence(after: 0, matching: { $0 == "s.\(10 % 7)" }), 10)
        }
        try check(store)
        try store.close()
        let reopened = try openStream(options: options)
        XCTAssertTrue(reopened.recoveryReport.isClean)
        try check(reopened)
        XCTAssertEqual(try reopened.append(subject: "s", payload: [], timestamp: 1), 401)
    }
}
