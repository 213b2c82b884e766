#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support
import Synchronization
import XCTest

/// Requests per second for a small JSON body over kept-alive connections. Not a gate: runs only
/// with `HTTP_BENCH=1` (`HTTP_BENCH_SECONDS`, `HTTP_BENCH_CONNECTIONS`, `HTTP_BENCH_PIPELINE`
/// tune it) and prints its figures.
final class HTTPBenchmarkTests: XCTestCase {
    private func setting(_ name: String, _ fallback: Int) -> Int {
        getenv(name).flatMap { Int(String(cString: $0)) } ?? fallback
    }

    func testKeptAliveJSONRequestsPerSecond() throws {
        guard getenv("HTTP_BENCH") != nil else { throw XCTSkip("set HTTP_BENCH=1 to run the benchmark") }
        let seconds = setting("HTTP_BENCH_SECONDS", 5)
        let connections = setting("HTTP_BENCH_CONNECTIONS", 4)
        let depth = setting("HTTP_BENCH_PIPELINE", 1)
        let fixture = try TestServer()
        defer { fixture.server.shutdown() }
        let request = Array(String(repeating: "GET /json HTTP/1.1\r\nHost: bench\r\n\r\n", count: depth).utf8)
        // Every answer has the same length (the Date header is fixed-width): learn it once, then
        // count bytes instead of parsing, so the client costs as little as possible.
        let probe = try HTTPTestClient(port: fixture.port)
        probe.send("GET /json HTTP/1.1\r\nHost: bench\r\n\r\n")
        let sample = try XCTUnwrap(probe.readResponse())
        let answerBytes =
            "HTTP/1.1 200 OK\r\n".utf8.count
            + sample.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            + 2 + sample.body.count
        let total = Atomic<Int>(0)
        let deadline = Clock.monotonicNanoseconds() + UInt64(seconds) * 1_000_000_000
        let port = fixture.port
        let start = Clock.monotonicNanoseconds()
        let threads = (0..<connections).map { index in
            SystemThread.start(name: "bench-\(index)") {
                guard let client = try? HTTPTestClient(port: port) else { return }
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                var count = 0
                while Clock.monotonicNanoseconds() < deadline {
                    client.send(request)
                    var expected = depth * answerBytes
                    while expected > 0 {
                        let received = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
                        guard received > 0 else { return }
                        expected -= received
                    }
                    count += depth
                }
                total.add(count, ordering: .relaxed)
            }
        }
        for thread in threads { SystemThread.join(thread) }
        let elapsed = Double(Clock.monotonicNanoseconds() - start) / 1e9
        let perSecond = Double(total.load(ordering: .relaxed)) / elapsed
        print(
            "HTTP benchmark: \(Int(perSecond)) requests/s (\(connections) connections, pipeline \(depth), \(seconds) s)"
        )
        XCTAssertGreaterThan(perSecond, 0)
    }
}
