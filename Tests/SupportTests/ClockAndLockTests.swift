import Dispatch
import Support
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class ClockAndLockTests: XCTestCase {
    func testTheMonotonicClockNeverGoesBackAndSleepWaitsAtLeastTheTimeAsked() {
        let before = Clock.monotonicNanoseconds()
        Clock.sleep(seconds: 0.02)
        let after = Clock.monotonicNanoseconds()
        XCTAssertGreaterThanOrEqual(after - before, 20_000_000)
    }

    func testTheWallClockIsNearTheSystemTime() {
        let seconds = UInt64(time(nil))
        XCTAssertLessThanOrEqual(abs(Int64(Clock.wallNanoseconds() / 1_000_000_000) - Int64(seconds)), 2)
    }

    func testALockKeepsIncrementsFromManyThreadsWhole() {
        final class Counter: @unchecked Sendable {
            let lock = Lock()
            var value = 0
        }
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { counter.lock.withLock { counter.value += 1 } }
        }
        XCTAssertEqual(counter.value, 80_000)
    }

    func testAConditionWaitPastItsDeadlineReturnsFalse() {
        let condition = Condition(lock: Lock())
        condition.lock.lock()
        defer { condition.lock.unlock() }
        let deadline = Clock.monotonicNanoseconds() + 10_000_000
        XCTAssertFalse(condition.wait(untilMonotonicNanoseconds: deadline))
        XCTAssertGreaterThanOrEqual(Clock.monotonicNanoseconds(), deadline)
    }

    func testASignalWakesAWaiterBeforeItsDeadline() {
        final class Flag: @unchecked Sendable {
            let condition = Condition(lock: Lock())
            var isSet = false  // guarded by condition.lock
        }
        let flag = Flag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.01) {
            flag.condition.lock.withLock {
                flag.isSet = true
                flag.condition.signal()
            }
        }
        flag.condition.lock.lock()
        defer { flag.condition.lock.unlock() }
        let deadline = Clock.monotonicNanoseconds() + 10_000_000_000
        while !flag.isSet { XCTAssertTrue(flag.condition.wait(untilMonotonicNanoseconds: deadline)) }
    }
}
