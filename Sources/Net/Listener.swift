import Support

/// A server's listening socket (the broker's, the HTTP server's) on its first loop: accepts every
/// waiting connection when readable and hands each to `accept`. Out of descriptors (EMFILE), it
/// pauses until the owner's next tick calls `resume`, instead of spinning or sleeping.
/// `@unchecked Sendable`: created on one thread, then used only on loop 0.
public final class Listener: EventHandler, @unchecked Sendable {
    private let fd: Int32
    private let loop: EventLoop
    private let logger: Logger
    private let accept: (Int32) -> Void
    private var isOpen = true
    private var isPaused = false

    public init(fd: Int32, loop: EventLoop, logger: Logger, accept: @escaping (Int32) -> Void) {
        self.fd = fd
        self.loop = loop
        self.logger = logger
        self.accept = accept
    }

    public func register() throws(SystemError) {
        try loop.register(fd, handler: self)
    }

    public func handleReadable(peerClosed: Bool) {
        while isOpen && !isPaused {
            do {
                guard let client = try Socket.accept(fd) else { return }
                accept(client)
            } catch {
                // The pending connection stays in the backlog until `resume`.
                logger.warning("accept failed, pausing until the next tick", ["error": error])
                isPaused = true
            }
        }
    }

    public func handleWritable() {}

    /// Accepts again after a pause (called by the loop's tick).
    public func resume() {
        guard isPaused else { return }
        isPaused = false
        handleReadable(peerClosed: false)
    }

    /// Stops accepting and closes the socket.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        loop.deregister(fd)
        Socket.close(fd)
    }
}
