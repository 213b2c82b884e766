import Net
import Support
#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket: accepts every waiting connection when readable and hands each to the broker.
/// `@unchecked Sendable`: created on one thread, then used only on loop 0.
final class Listener: EventHandler, @unchecked Sendable {
    private let fd: Int32
    private unowned let broker: Broker
    private let context: LoopContext
    private var isOpen = true

    init(fd: Int32, broker: Broker, context: LoopContext) {
        self.fd = fd
        self.broker = broker
        self.context = context
    }

    func register() throws(SystemError) {
        try context.loop.register(fd, handler: self)
    }

    func handleReadable(peerClosed: Bool) {
        while isOpen {
            do {
                guard let client = try Socket.accept(fd) else { return }
                broker.adopt(fd: client)
            } catch {
                // EMFILE/ENFILE: out of descriptors. Log and back off until the next readiness edge
                // or tick; the pending connection stays in the backlog.
                broker.logger.error("accept failed", ["error": error])
                context.loop.scheduleRead(self)
                usleep(10_000)
                return
            }
        }
    }

    func handleWritable() {}

    /// Stops accepting (lame duck).
    func close() {
        guard isOpen else { return }
        isOpen = false
        context.loop.deregister(fd)
        Socket.close(fd)
    }
}
