#if canImport(Glibc)
    import Glibc
#endif
import HTTP
import Net
import Support
import TestSupport
import XCTest

/// Event streams opened by the test server's `/events`, for tests to push to.
final class StreamRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var streams: [HTTPEventStream] = []

    func add(_ stream: HTTPEventStream) { lock.withLock { streams.append(stream) } }

    var all: [HTTPEventStream] { lock.withLock { streams } }

    /// The `index`th stream once it has opened (waits up to 3 s).
    func stream(_ index: Int = 0) -> HTTPEventStream? {
        var found: HTTPEventStream?
        _ = eventually {
            found = lock.withLock { streams.count > index ? streams[index] : nil }; return found != nil
        }
        return found
    }
}

/// Descriptors open in this process, from /proc/self/fd.
func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while readdir(directory) != nil { count += 1 }
    return count
}

/// Milliseconds of monotonic time since `start`.
func millisecondsSince(_ start: UInt64) -> Int { Int((Clock.monotonicNanoseconds() - start) / 1_000_000) }

/// A started server on a free port with the test routes, and the registry its `/events` feeds.
/// The caller shuts it down.
struct TestServer {
    let server: HTTPServer
    let streams: StreamRegistry
    var port: Int { server.port }

    /// Routes: `/hello` (text), `/json`, `/api/jobs/{id}`, `/echo` (path, query and a header back as
    /// text), `/big?size=N` (N bytes), `/events` (an event stream registered in `streams`).
    init(logger: Logger = TestServer.quietLogger, _ configure: (inout HTTPServerConfiguration) -> Void = { _ in })
        throws
    {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        let streams = StreamRegistry()
        var router = HTTPRouter()
        router.get("/hello") { _ in .text("hello") }
        router.get("/json") { _ in .json(#"{"ok":true}"#) }
        router.get("/api/jobs/{id}") { request in
            .json("{\"id\":\(HTTPResponse.jsonString(request.parameters["id"] ?? ""))}")
        }
        router.get("/echo") { request in
            let query = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
            return .text("\(request.path)?\(query) x-test=\(request.headers["X-TEST"] ?? "-")")
        }
        router.get("/big") { request in
            HTTPResponse(body: [UInt8](repeating: 0x61, count: Int(request.query("size") ?? "0") ?? 0))
        }
        router.get("/events") { _ in .eventStream { streams.add($0) } }
        server = HTTPServer(configuration: configuration, handler: router.handler, logger: logger)
        self.streams = streams
        try server.start()
    }

    /// Warnings are expected in these tests (they provoke them); keep the output to errors.
    static let quietLogger = Logger(component: "http", sink: LogSink(minimumLevel: .error))

    func client(readTimeoutMilliseconds: Int = 3000) throws -> HTTPTestClient {
        try HTTPTestClient(port: port, readTimeoutMilliseconds: readTimeoutMilliseconds)
    }

    /// True once every connection has been released.
    func drained() -> Bool { eventually { server.connections == 0 } }
}
