import Support

extension EventLoop {
    /// Runs `body` on the loop's thread and waits for it: setup steps that must happen there.
    /// Call it from another thread; `body`'s error is rethrown here.
    public func runAndWait<Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> Void) throws(Failure) {
        let condition = Condition(lock: Lock())
        // Written on the loop and read here, both under `condition.lock`.
        nonisolated(unsafe) var outcome: Result<Void, Failure>?
        execute {
            let result = Result { () throws(Failure) in try body() }
            condition.lock.withLock {
                outcome = result
                condition.signal()
            }
        }
        try condition.lock.withLock { () throws(Failure) in
            while outcome == nil { condition.wait(untilMonotonicNanoseconds: .max) }
            try outcome!.get()
        }
    }
}
