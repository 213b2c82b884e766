import Net

/// The client's locks are Net's: a pthread mutex that condition variables can wait on.
typealias ThreadLock = Lock
typealias ThreadCondition = Condition

extension Condition {
    /// Waits (lock held) until signalled or `deadline`; false when the deadline passed.
    @discardableResult
    func wait(until deadline: Deadline) -> Bool {
        wait(untilMonotonicNanoseconds: deadline.isNever ? .max : deadline.uptimeNanoseconds)
    }
}
