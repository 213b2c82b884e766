#if canImport(Glibc)
    import Glibc
#endif

/// A plain mutex for state that several threads touch (a client's outbound buffer, a client
/// connection's waiters). Unlike `Synchronization.Mutex` it guards fields of the owning class
/// directly, so hot paths can lock, append and unlock without closures or `sending` values, and a
/// `Condition` can wait on it.
public final class Lock: @unchecked Sendable {
    // Heap-allocated so the pthread mutex never moves. `@unchecked Sendable`: it is a mutex.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inlinable public func lock() { pthread_mutex_lock(mutex) }
    @inlinable public func unlock() { pthread_mutex_unlock(mutex) }

    @inlinable
    public func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A condition variable bound to one `Lock`, timed on the monotonic clock (so wall-clock jumps do
/// not stretch or cut waits). Every wait and signal happens with the lock held.
public final class Condition: @unchecked Sendable {
    public let lock: Lock
    @usableFromInline let condition: UnsafeMutablePointer<pthread_cond_t>

    public init(lock: Lock) {
        self.lock = lock
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits (lock held) until signalled or the monotonic time `deadline` (ns; `UInt64.max`: never);
    /// false when the deadline passed.
    @discardableResult
    public func wait(untilMonotonicNanoseconds deadline: UInt64) -> Bool {
        if deadline == .max {
            pthread_cond_wait(condition, lock.mutex)
            return true
        }
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, lock.mutex, &time) != ETIMEDOUT
    }

    @inlinable public func signal() { pthread_cond_signal(condition) }
    @inlinable public func broadcast() { pthread_cond_broadcast(condition) }
}
