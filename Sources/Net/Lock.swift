#if canImport(Glibc)
    import Glibc
#endif

/// A plain mutex for state that several loop threads touch (a client's outbound buffer). Unlike
/// `Synchronization.Mutex` it guards fields of the owning class directly, so hot paths can lock,
/// append and unlock without closures or `sending` values.
public final class Lock: @unchecked Sendable {
    // Heap-allocated so the pthread mutex never moves. `@unchecked Sendable`: it is a mutex.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
