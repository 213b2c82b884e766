import Support
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class SyscallTests: XCTestCase {
    /// A stand-in system call: fails with each errno in `failures` in turn, then returns `success`.
    private final class FakeCall {
        var failures: [Int32]
        let success: Int32
        var calls = 0

        init(failing failures: [Int32], then success: Int32) {
            self.failures = failures
            self.success = success
        }

        func callAsFunction() -> Int32 {
            calls += 1
            guard !failures.isEmpty else { return success }
            errno = failures.removeFirst()
            return -1
        }
    }

    func testAnInterruptedCallIsCalledAgainUntilItSucceeds() throws {
        let call = FakeCall(failing: [EINTR, EINTR], then: 7)
        XCTAssertEqual(try Syscall.run("fake") { call() }, 7)
        XCTAssertEqual(call.calls, 3)
    }

    func testAFailureOtherThanAnInterruptionIsThrownWithTheCallsNameAndErrno() {
        let call = FakeCall(failing: [EINTR, ENOENT], then: 0)
        XCTAssertThrowsError(try Syscall.run("fake open") { call() }) { error in
            XCTAssertEqual(error as? SystemError, SystemError("fake open", code: ENOENT))
        }
        XCTAssertEqual(call.calls, 2)
    }

    func testRetryingInterruptsHandsOtherFailuresBackWithErrnoIntact() {
        let call = FakeCall(failing: [EINTR, EWOULDBLOCK], then: 0)
        XCTAssertEqual(Syscall.retryingInterrupts { call() }, -1)
        XCTAssertEqual(errno, EWOULDBLOCK)
        XCTAssertEqual(call.calls, 2)
    }

    func testASystemErrorDescribesTheCallTheReasonAndTheErrno() {
        XCTAssertEqual(SystemError("open", code: ENOENT).description, "open: No such file or directory (errno 2)")
    }

    func testWriteAllWritesEveryByteThroughAPipe() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        defer { for end in ends { close(end) } }
        let bytes = (0..<4000).map { UInt8($0 % 251) }
        try Syscall.writeAll(ends[1], bytes)
        var received = [UInt8](repeating: 0, count: bytes.count)
        var total = 0
        while total < bytes.count {
            let count = received[total...].withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            XCTAssertGreaterThan(count, 0)
            total += count
        }
        XCTAssertEqual(received, bytes)
    }

    func testWriteAllToAClosedDescriptorThrowsNamingWrite() {
        XCTAssertThrowsError(try Syscall.writeAll(-1, [1, 2, 3])) { error in
            XCTAssertEqual(error as? SystemError, SystemError("write", code: EBADF))
        }
    }
}
