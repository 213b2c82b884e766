import CSystem
#if canImport(Glibc)
    import Glibc
#endif

/// Starts POSIX threads running a closure (no Foundation): event loops and the signal waiter.
public enum SystemThread {
    private final class Box {
        let name: String
        let body: () -> Void
        init(_ name: String, _ body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a joinable thread named `name` (at most 15 characters are kept by Linux).
    @discardableResult
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> pthread_t {
        let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { argument in
                // The box was retained above for exactly this one hand-over; take it back here.
                let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
                box.name.withCString { CSystem_set_thread_name($0) }
                box.body()
                return nil
            }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
    }

    public static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }

    /// The number of CPUs this process may run on.
    public static var availableCores: Int {
        let count = Int(CSystem_available_cpus())
        if count > 0 { return count }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
