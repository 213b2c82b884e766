#if canImport(Glibc)
    import Glibc
#endif

/// A pthread mutex that condition variables can wait on (`Synchronization.Mutex` cannot).
///
/// A class so the `pthread_mutex_t` never moves; `@unchecked Sendable` because the mutex is itself
/// the synchronisation.
final class ThreadLock: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }

    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always) func withLock<Result, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A pthread condition variable bound to one `ThreadLock`, timed on the monotonic clock.
///
/// `@unchecked Sendable`: every wait and signal happens with `lock` held.
final class ThreadCondition: @unchecked Sendable {
    let lock: ThreadLock
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init(lock: ThreadLock) {
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

    /// Waits (lock held) until signalled or `deadline`; false when the deadline passed.
    @discardableResult
    func wait(until deadline: Deadline) -> Bool {
        if deadline.isNever {
            pthread_cond_wait(condition, lock.mutex)
            return true
        }
        let nanoseconds = deadline.uptimeNanoseconds
        var time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        return pthread_cond_timedwait(condition, lock.mutex, &time) != ETIMEDOUT
    }

    @inline(__always) func signal() { pthread_cond_signal(condition) }

    @inline(__always) func broadcast() { pthread_cond_broadcast(condition) }
}
