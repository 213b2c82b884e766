import Net
import Support
import XCTest

/// `EventLoop.runAndWait`: a setup step run on the loop's thread while the caller waits.
final class RunAndWaitTests: XCTestCase {
    func testTheBodyRunsOnTheLoopThreadAndItsErrorReachesTheCaller() throws {
        let loop = try EventLoop(index: 0)
        loop.start(name: "run-and-wait")
        defer {
            loop.stop()
            loop.join()
        }
        loop.runAndWait { XCTAssertTrue(loop.isCurrent) }
        XCTAssertThrowsError(try loop.runAndWait { () throws(SupportError) in throw SupportError("refused") }) {
            XCTAssertEqual("\($0)", "\(SupportError("refused"))")
        }
    }
}
