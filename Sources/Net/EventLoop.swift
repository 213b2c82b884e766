import CSystem
import Support
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Something registered with an event loop: told, on the loop's thread, when its descriptor can
/// be read or written.
public protocol EventHandler: AnyObject {
    /// The descriptor is readable, or the peer hung up, or it is in error: read to find out.
    /// `peerClosed` says the event carried a hang-up, so the handler must read until end of stream
    /// (with edge triggering no later event will report it).
    func handleReadable(peerClosed: Bool)
    /// The descriptor accepts writes again.
    func handleWritable()
}

/// One epoll loop on its own thread: edge-triggered readiness for its handlers, tasks handed over
/// from other threads (a queue under a mutex plus an eventfd written only when no wake is pending),
/// and a periodic tick for timers.
///
/// Handlers belong to one loop; `register`, `deregister` and the handler table are touched only on
/// the loop's thread (other threads use `execute`). `enableWritableEvents` may be called from any
/// thread: epoll_ctl is thread-safe and it touches no table.
public final class EventLoop: @unchecked Sendable {
    public let index: Int
    private let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    private var handlers: [EventHandler?] = []
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let wakePending = Atomic<Bool>(false)
    private let running = Atomic<Bool>(true)
    private var readAgain: [EventHandler] = []
    private var threadID = pthread_t()
    private var thread: pthread_t?
    /// How often `onTick` runs, in nanoseconds.
    public let tickInterval: UInt64
    /// Runs on the loop's thread about every `tickInterval`.
    public var onTick: (() -> Void)?
    /// Optional: monotonic nanoseconds of the next moment `onTick` must run, earlier than the
    /// regular tick (a precise timer, e.g. a pull request's expiry). Asked once per turn.
    public var nextTimerDeadline: (() -> UInt64?)?
    /// Runs on the loop's thread at the end of every turn (after events and tasks): the place to
    /// finish work batched during the turn, such as one fsync for many appends.
    public var onTurnEnd: (() -> Void)?

    public init(index: Int, tickInterval: UInt64 = 1_000_000_000) throws(SystemError) {
        self.index = index
        self.tickInterval = tickInterval
        epollDescriptor = try Syscall.run("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            wakeDescriptor = try Syscall.run("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        } catch {
            Glibc.close(epollDescriptor)
            throw error
        }
        var event = epoll_event()
        event.events = CSystem_EPOLLIN()
        event.data.fd = wakeDescriptor
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, wakeDescriptor, &event)
    }

    deinit {
        Glibc.close(wakeDescriptor)
        Glibc.close(epollDescriptor)
    }

    /// Starts the loop on a new thread.
    public func start(name: String) {
        thread = SystemThread.start(name: name) { [self] in run() }
    }

    /// Asks the loop to stop after the current turn; `join` waits for it.
    public func stop() {
        running.store(false, ordering: .releasing)
        wake()
    }

    public func join() {
        if let thread { SystemThread.join(thread) }
        thread = nil
    }

    /// True on the loop's own thread.
    public var isCurrent: Bool { pthread_equal(pthread_self(), threadID) != 0 }

    /// Runs `task` on the loop's thread, soon. Safe from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        wake()
    }

    private func wake() {
        if wakePending.exchange(true, ordering: .acquiringAndReleasing) { return }
        var one: UInt64 = 1
        _ = Glibc.write(wakeDescriptor, &one, 8)
    }

    /// Watches `fd` for readability (edge-triggered). Loop thread only.
    public func register(_ fd: Int32, handler: EventHandler) throws(SystemError) {
        precondition(isCurrent, "EventLoop.register off the loop thread")
        let slot = Int(fd)
        if slot >= handlers.count { handlers.append(contentsOf: repeatElement(nil, count: slot - handlers.count + 64)) }
        handlers[slot] = handler
        var event = epoll_event()
        event.events = CSystem_EPOLLIN() | CSystem_EPOLLRDHUP() | CSystem_EPOLLET()
        event.data.fd = fd
        _ = try Syscall.run("epoll_ctl(ADD)") { epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, fd, &event) }
    }

    /// Adds or removes interest in writability for a registered descriptor. Any thread.
    public func setWritableInterest(_ fd: Int32, _ enabled: Bool) {
        var event = epoll_event()
        event.events = CSystem_EPOLLIN() | CSystem_EPOLLRDHUP() | CSystem_EPOLLET() | (enabled ? CSystem_EPOLLOUT() : 0)
        event.data.fd = fd
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd` (call before closing it). Loop thread only.
    public func deregister(_ fd: Int32) {
        precondition(isCurrent, "EventLoop.deregister off the loop thread")
        var event = epoll_event()
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, fd, &event)
        let slot = Int(fd)
        if slot < handlers.count { handlers[slot] = nil }
    }

    /// Calls the handler's `handleReadable` again next turn without waiting for an edge: for a
    /// handler that stopped reading early to let others run. Loop thread only.
    public func scheduleRead(_ handler: EventHandler) {
        readAgain.append(handler)
    }

    /// Runs the loop on the calling thread until `stop`.
    public func run() {
        threadID = pthread_self()
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var nextTick = CSystem_monotonic_ns() + tickInterval
        let readMask = CSystem_EPOLLIN() | CSystem_EPOLLHUP() | CSystem_EPOLLERR() | CSystem_EPOLLRDHUP()
        let writeMask = CSystem_EPOLLOUT()
        while running.load(ordering: .acquiring) {
            var timeout: Int32 = 0
            var wakeAt = nextTick
            if let deadline = nextTimerDeadline?(), deadline < wakeAt { wakeAt = deadline }
            if readAgain.isEmpty {
                let now = CSystem_monotonic_ns()
                // Round up so the wait never ends before the deadline.
                timeout = wakeAt > now ? Int32((wakeAt - now + 999_999) / 1_000_000) : 0
            }
            let count = epoll_wait(epollDescriptor, events, Int32(capacity), timeout)
            if count > 0 {
                for position in 0..<Int(count) {
                    let event = events[position]
                    let fd = event.data.fd
                    if fd == wakeDescriptor {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeDescriptor, &value, 8)
                        continue
                    }
                    let slot = Int(fd)
                    if event.events & writeMask != 0, slot < handlers.count, let handler = handlers[slot] {
                        handler.handleWritable()
                    }
                    if event.events & readMask != 0, slot < handlers.count, let handler = handlers[slot] {
                        let hangUp = CSystem_EPOLLHUP() | CSystem_EPOLLERR() | CSystem_EPOLLRDHUP()
                        handler.handleReadable(peerClosed: event.events & hangUp != 0)
                    }
                }
            }
            if !readAgain.isEmpty {
                let pending = readAgain
                readAgain.removeAll(keepingCapacity: true)
                for handler in pending { handler.handleReadable(peerClosed: false) }
            }
            runTasks()
            let now = CSystem_monotonic_ns()
            if now >= wakeAt {
                onTick?()
                if now >= nextTick { nextTick = now + tickInterval }
            }
            onTurnEnd?()
        }
        runTasks()
    }

    private func runTasks() {
        wakePending.store(false, ordering: .releasing)
        let pending = tasks.withLock { queue -> [@Sendable () -> Void] in
            if queue.isEmpty { return [] }
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for task in pending { task() }
    }
}
