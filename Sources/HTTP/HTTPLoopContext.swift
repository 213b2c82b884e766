import Net
import Support

/// What one event loop owns in the server: its connections, the `Date` header cache and a buffer
/// for input that is read only to be dropped. Touched only on that loop's thread.
final class HTTPLoopContext: @unchecked Sendable {
    let loop: EventLoop
    var connections: [UInt64: HTTPConnection] = [:]
    /// Input of connections that no longer parse requests (event streams, lingering closes).
    let discardBuffer = ByteBuffer(capacity: 16 * 1024)
    private var dateCache = HTTPDate()

    init(loop: EventLoop) {
        self.loop = loop
    }

    var index: Int { loop.index }

    /// The `Date` header value for now.
    func date() -> String { dateCache.current(wallNanoseconds: Clock.wallNanoseconds()) }
}
