#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// A joinable pthread running one closure: the client's reader and flusher threads.
final class ClientThread: @unchecked Sendable {
    /// Set once by `pthread_create` in `start`, before `start` returns; read-only afterwards.
    private var thread = pthread_t()
    /// The thread's own id, stored by the thread itself first thing, so `isCurrent` works even
    /// before `pthread_create` has returned in the starting thread.
    fileprivate let selfIdentifier = Atomic<UInt>(0)

    private init() {}

    /// Starts `body` on a new thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> ClientThread {
        let handle = ClientThread()
        let context = Unmanaged.passRetained(ThreadContext(handle: handle, body: body)).toOpaque()
        let result = pthread_create(
            &handle.thread, nil,
            { argument in
                // Safe: the pointer is the retained ThreadContext passed below; released exactly once here.
                let context = Unmanaged<ThreadContext>.fromOpaque(argument!).takeRetainedValue()
                context.handle.selfIdentifier.store(UInt(pthread_self()), ordering: .releasing)
                context.body()
                return nil
            }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
        return handle
    }

    /// Waits for the thread to finish; must not be called from the thread itself.
    func join() {
        precondition(!isCurrent, "a thread cannot join itself")
        pthread_join(thread, nil)
    }

    /// True when called from this thread.
    var isCurrent: Bool { selfIdentifier.load(ordering: .acquiring) == UInt(pthread_self()) }
}

/// What a new thread runs, passed through `pthread_create`'s void pointer.
private final class ThreadContext {
    let handle: ClientThread
    let body: @Sendable () -> Void

    init(handle: ClientThread, body: @escaping @Sendable () -> Void) {
        self.handle = handle
        self.body = body
    }
}
