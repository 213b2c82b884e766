#if canImport(Glibc)
    import Glibc
#endif
import Net
import Synchronization

/// A joinable thread running one closure (the client's reader and flusher), which knows whether
/// it is the current thread.
final class ClientThread: @unchecked Sendable {
    /// Set once in `start`, before `start` returns; read-only afterwards.
    private var thread = pthread_t()
    /// The thread's own id, stored by the thread itself first thing, so `isCurrent` works even
    /// before `start` has returned in the starting thread.
    private let selfIdentifier = Atomic<UInt>(0)

    private init() {}

    /// Starts `body` on a new thread named `name`.
    static func start(name: String = "nats-client", _ body: @escaping @Sendable () -> Void) -> ClientThread {
        let handle = ClientThread()
        handle.thread = SystemThread.start(name: name) {
            handle.selfIdentifier.store(UInt(pthread_self()), ordering: .releasing)
            body()
        }
        return handle
    }

    /// Waits for the thread to finish; must not be called from the thread itself.
    func join() {
        precondition(!isCurrent, "a thread cannot join itself")
        SystemThread.join(thread)
    }

    /// True when called from this thread.
    var isCurrent: Bool { selfIdentifier.load(ordering: .acquiring) == UInt(pthread_self()) }
}
