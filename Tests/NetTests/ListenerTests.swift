import Foundation
import Net
import Support
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket shared by the broker and the HTTP server, when accepting fails.
final class ListenerTests: XCTestCase {
    func testAListenerThatCannotAcceptPausesUntilResumedInsteadOfRetryingOrSleeping() throws {
        let path = "/tmp/ffrtmp-listener-log-\(getpid()).log"
        unlink(path)
        defer { unlink(path) }
        let logger = Logger(component: "test", sink: try LogSink(path: path, minimumLevel: .debug))
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        // A pipe is no socket: every accept fails, as it would when out of descriptors.
        let loop = try EventLoop(index: 0)
        let listener = Listener(fd: ends[0], loop: loop, logger: logger) { _ in XCTFail("accepted from a pipe") }
        let failures = {
            let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return log.split(separator: "\n").filter { $0.contains("accept failed") }.count
        }

        listener.handleReadable(peerClosed: false)
        XCTAssertEqual(failures(), 1)
        listener.handleReadable(peerClosed: false)
        XCTAssertEqual(failures(), 1, "a paused listener must not try again before its tick")
        listener.resume()
        XCTAssertEqual(failures(), 2)
    }
}
