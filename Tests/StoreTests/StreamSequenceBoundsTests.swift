import XCTest

@testable import Store

/// Crafted segment files whose sequences are out of bounds or out of order must neither stop the store
/// from opening nor make a sequence be handed out twice (findings of the fuzz target `segment`,
/// Tests/Fuzz/findings/segment/).
final class StreamSequenceBoundsTests: StoreTestCase {
    private func segmentPath(_ id: UInt32) -> String { streamDirectory + "/" + Segment.fileName(id: id) }

    private func header(baseSequence: UInt64) -> [UInt8] {
        FileHeader(kind: .streamSegment, baseSequence: baseSequence, baseTimestamp: 1).encoded()
    }

    func testASegmentHeaderWithTheLargestSequenceIsCountedAsDamageInsteadOfStoppingTheOpen() throws {
        try fileSystem.createDirectory(streamDirectory)
        try writeFile(segmentPath(1), header(baseSequence: .max))
        let store = try openStream()
        XCTAssertEqual(store.recoveryReport.damagedFiles.first?.reason, .invalidHeader)
        XCTAssertEqual(store.state.lastSequence, 0)
        XCTAssertEqual(try store.append(subject: "s", payload: [1], timestamp: 2), 1)
        try store.close()
        XCTAssertEqual(try openStream().state.lastSequence, 1)
    }

    func testAMessageRecordWithTheLargestSequenceIsSkippedAsDamage() throws {
        try fileSystem.createDirectory(streamDirectory)
        var bytes = header(baseSequence: 0)
        let payload: [UInt8] = [7]
        let noHeaders: [UInt8] = []
        noHeaders.withUnsafeBytes { headers in
            payload.withUnsafeBytes { payload in
                StreamRecord.appendMessage(
                    to: &bytes, sequence: .max, timestamp: 1, subject: "s", headers: headers, payload: payload)
            }
        }
        try writeFile(segmentPath(1), bytes)
        let store = try openStream()
        XCTAssertFalse(store.recoveryReport.isClean)
        XCTAssertEqual(store.state.messages, 0)
        // The skipped record may have held the newest message, so it counts as one sequence.
        XCTAssertEqual(store.state.lastSequence, 1)
        XCTAssertEqual(try store.append(subject: "s", payload: [1], timestamp: 2), 2)
    }

    func testTheLastSequenceOfAnOlderHeaderSurvivesTheDeletionOfItsEmptySegment() throws {
        try fileSystem.createDirectory(streamDirectory)
        try writeFile(segmentPath(1), header(baseSequence: 5))
        try writeFile(segmentPath(2), header(baseSequence: 0))
        let first = try openStream()
        XCTAssertEqual(first.state.lastSequence, 5)
        try first.close()
        let second = try openStream()
        XCTAssertEqual(second.state.lastSequence, 5)
        XCTAssertEqual(try second.append(subject: "s", payload: [1], timestamp: 2), 6)
        try second.close()
        XCTAssertEqual(try openStream().state.lastSequence, 6)
    }
}
