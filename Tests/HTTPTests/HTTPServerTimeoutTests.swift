#if canImport(Glibc)
    import Glibc
#endif
import HTTP
import Net
import Support
import TestSupport
import XCTest

/// Slow and silent clients: header timeout (slowloris), idle keep-alive timeout, clients that do
/// not read.
final class HTTPServerTimeoutTests: XCTestCase {
    private var fixture: TestServer!

    override func setUpWithError() throws {
        fixture = try TestServer { configuration in
            configuration.headerReadTimeout = 1_000_000_000
            configuration.idleTimeout = 400_000_000
            configuration.lingerTimeout = 200_000_000
        }
    }

    override func tearDown() { fixture.server.shutdown() }

    func testAHeadTricklingInIsAnswered408AfterTheHeaderTimeout() throws {
        let client = try fixture.client(readTimeoutMilliseconds: 500)
        let start = Clock.monotonicNanoseconds()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
        var answer: TestResponse?
        // One header byte every 500 ms, each time looking for an answer.
        for byte in Array("X-Slow: abcdefghijklmnop".utf8) {
            client.send([byte])
            answer = client.readResponse()
            if answer != nil { break }
        }
        let elapsed = millisecondsSince(start)
        XCTAssertEqual(answer?.status, 408)
        XCTAssertEqual(answer?.header("Connection"), "close")
        XCTAssertGreaterThanOrEqual(elapsed, 1000)
        XCTAssertLessThan(elapsed, 2500)
        client.setReadTimeout(milliseconds: 3000)
        XCTAssertTrue(client.readUntilClosed().closed)
        XCTAssertTrue(fixture.drained())
    }

    func testAKeptAliveConnectionIsClosedQuietlyAfterTheIdleTimeout() throws {
        let client = try fixture.client()
        client.request("GET", "/hello")
        XCTAssertEqual(client.readResponse()?.status, 200)
        let start = Clock.monotonicNanoseconds()
        let (bytes, closed) = client.readUntilClosed()
        XCTAssertTrue(closed)
        XCTAssertEqual(bytes, [], "no 408 on an idle connection")
        XCTAssertGreaterThanOrEqual(millisecondsSince(start), 350)
        XCTAssertTrue(fixture.drained())
    }

    func testActivityKeepsAConnectionOpenPastTheIdleTimeout() throws {
        let client = try fixture.client()
        for _ in 0..<6 {
            usleep(200_000)
            client.request("GET", "/hello")
            XCTAssertEqual(client.readResponse()?.status, 200)
        }
    }

    func testAConnectionThatNeverSendsIsClosedAfterTheHeaderTimeout() throws {
        let client = try fixture.client()
        let start = Clock.monotonicNanoseconds()
        let (bytes, closed) = client.readUntilClosed()
        XCTAssertTrue(closed)
        XCTAssertEqual(bytes, [])
        XCTAssertGreaterThanOrEqual(millisecondsSince(start), 950)
    }

    func testAClientThatStopsReadingIsDroppedAfterTheIdleTimeout() throws {
        let client = try HTTPTestClient(port: fixture.port, receiveBuffer: 4096)
        // Far more than the socket buffers hold, and more than the output bound: reading pauses,
        // writing stalls, and the stall outlasts the idle timeout.
        client.send(String(repeating: "GET /big?size=1000000 HTTP/1.1\r\nHost: t\r\n\r\n", count: 10))
        let start = Clock.monotonicNanoseconds()
        XCTAssertTrue(eventually { fixture.server.connections == 1 })
        XCTAssertTrue(eventually(timeout: .seconds(3)) { fixture.server.connections == 0 })
        XCTAssertGreaterThanOrEqual(millisecondsSince(start), 400)
        withExtendedLifetime(client) {}
    }

    func testAClientReadingOneByteAtATimeIsDroppedAtTheResponseWriteDeadline() throws {
        // The stall timeout alone would wait 30 s for a write that makes no progress; the answer's
        // deadline is 1 s, however the client reads.
        let slow = try TestServer { configuration in
            configuration.idleTimeout = 30_000_000_000
            configuration.responseWriteTimeout = 1_000_000_000
        }
        defer { slow.server.shutdown() }
        let client = try HTTPTestClient(port: slow.port, receiveBuffer: 4096)
        client.request("GET", "/big?size=8000000")
        XCTAssertTrue(eventually { slow.server.connections == 1 })
        let start = Clock.monotonicNanoseconds()
        // A byte every 20 ms: 8 MB would take days.
        var byte: UInt8 = 0
        var closed = false
        while millisecondsSince(start) < 6000 {
            let count = recv(client.fd, &byte, 1, Int32(MSG_DONTWAIT))
            if count == 0 || slow.server.connections == 0 {
                closed = true
                break
            }
            usleep(20_000)
        }
        XCTAssertTrue(closed, "the connection outlived the response write deadline")
        XCTAssertGreaterThanOrEqual(millisecondsSince(start), 900)
    }
}
