import Net
import Support

extension Condition {
    /// Waits (lock held) until signalled or `deadline`; false when the deadline passed.
    @discardableResult
    func wait(until deadline: Deadline) -> Bool {
        wait(untilMonotonicNanoseconds: deadline.isNever ? .max : deadline.uptimeNanoseconds)
    }
}
