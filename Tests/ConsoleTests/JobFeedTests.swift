import XCTest

@testable import Console

/// Where `submit --wait` and `watch` start following a stream.
final class JobFeedTests: XCTestCase {
    func testFollowingStartsAfterTheLastSequenceAndTheLargestDoesNotOverflow() {
        XCTAssertEqual(JobFeed.sequence(after: 0), 1)
        XCTAssertEqual(JobFeed.sequence(after: 41), 42)
        XCTAssertEqual(JobFeed.sequence(after: .max), .max, "a server's last_seq of 2^64-1")
    }
}
