#if canImport(Glibc)
    import Glibc
#endif
import HTTP
import Net
import Support
import TestSupport
import XCTest

/// Server-Sent Events over real sockets: order, heartbeats, clients that leave, clients that do
/// not read, and descriptors given back.
final class HTTPEventStreamTests: XCTestCase {
    private var fixture: TestServer!

    override func setUpWithError() throws {
        fixture = try TestServer { configuration in
            configuration.maxEventStreamBufferBytes = 64 * 1024
            configuration.eventStreamHeartbeatInterval = 200_000_000
            configuration.lingerTimeout = 200_000_000
        }
    }

    override func tearDown() { fixture.server.shutdown() }

    private func openStream() throws -> (HTTPTestClient, HTTPEventStream) {
        let client = try fixture.client()
        client.request("GET", "/events")
        let head = try XCTUnwrap(client.readResponse(bodyless: true))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Type"), "text/event-stream")
        XCTAssertEqual(head.header("Cache-Control"), "no-cache")
        XCTAssertEqual(head.header("Connection"), "close")
        XCTAssertNil(head.header("Content-Length"))
        let stream = try XCTUnwrap(
            fixture.streams.stream(fixture.streams.all.count > 0 ? fixture.streams.all.count - 1 : 0))
        return (client, stream)
    }

    func testEventsFromAnotherThreadArriveInOrder() throws {
        let (client, stream) = try openStream()
        let sender = SystemThread.start(name: "sender") {
            for index in 0..<500 {
                XCTAssertTrue(
                    stream.send(event: index % 2 == 0 ? "even" : nil, data: "line \(index)\nsecond", id: "\(index)"))
            }
        }
        let events = client.readEvents(500)
        SystemThread.join(sender)
        XCTAssertEqual(events.count, 500)
        for (index, event) in events.enumerated() {
            XCTAssertEqual(event.data, "line \(index)\nsecond")
            XCTAssertEqual(event.id, "\(index)")
            XCTAssertEqual(event.event, index % 2 == 0 ? "even" : nil)
        }
    }

    func testAQuietStreamGetsHeartbeatComments() throws {
        let (client, _) = try openStream()
        let start = Clock.monotonicNanoseconds()
        XCTAssertTrue(client.waitFor(":heartbeat\n\n"))
        XCTAssertTrue(client.waitFor(":heartbeat\n\n"))
        XCTAssertLessThan(millisecondsSince(start), 1500)
    }

    func testAClientThatLeavesIsCleanedUp() throws {
        let baseline = openDescriptorCount()
        let closedSignal = Lock()
        nonisolated(unsafe) var closeCalls = 0
        do {
            let (client, stream) = try openStream()
            stream.onClose { closedSignal.withLock { closeCalls += 1 } }
            XCTAssertTrue(stream.send(data: "hello"))
            XCTAssertEqual(client.readEvents(1).first?.data, "hello")
            XCTAssertEqual(openDescriptorCount(), baseline + 2, "client and server side of the connection")
        }
        let stream = try XCTUnwrap(fixture.streams.stream())
        XCTAssertTrue(eventually { stream.isClosed })
        XCTAssertFalse(stream.send(data: "nobody is listening"))
        XCTAssertTrue(fixture.drained())
        XCTAssertEqual(closedSignal.withLock { closeCalls }, 1)
        XCTAssertEqual(openDescriptorCount(), baseline)
    }

    func testAClientThatDoesNotReadIsDroppedOnceItsBufferIsFull() throws {
        let baseline = openDescriptorCount()
        let client = try HTTPTestClient(port: fixture.port, receiveBuffer: 4096)
        client.request("GET", "/events")
        let stream = try XCTUnwrap(fixture.streams.stream())
        let payload = String(repeating: "x", count: 1000)
        var sent = 0
        // Socket buffers take some; the 64 KB bound takes the rest; then the client must go.
        while stream.send(data: payload) {
            sent += 1
            if sent > 50_000 { break }
            if sent % 64 == 0 { usleep(1000) }
        }
        XCTAssertLessThan(sent, 50_000, "never dropped")
        XCTAssertTrue(stream.isClosed)
        XCTAssertTrue(fixture.drained())
        XCTAssertEqual(openDescriptorCount(), baseline + 1, "only the test's own socket remains")
        withExtendedLifetime(client) {}
    }

    func testClosingTheStreamWritesWhatIsQueuedThenEndsTheConnection() throws {
        let (client, stream) = try openStream()
        for index in 0..<10 { stream.send(data: "\(index)") }
        stream.close()
        XCTAssertFalse(stream.send(data: "after close"))
        XCTAssertEqual(client.readEvents(10).map(\.data), (0..<10).map { "\($0)" })
        XCTAssertTrue(client.readUntilClosed().closed)
    }

    func testHeadOfAStreamIsJustTheHeadAndTheConnectionGoesOn() throws {
        let client = try fixture.client()
        client.request("HEAD", "/events")
        let head = try XCTUnwrap(client.readResponse(bodyless: true))
        XCTAssertEqual(head.header("Content-Type"), "text/event-stream")
        client.request("GET", "/hello")
        XCTAssertEqual(client.readResponse()?.text, "hello")
        XCTAssertTrue(fixture.streams.all.isEmpty)
    }

    func testShutdownClosesEveryStream() throws {
        let (client, stream) = try openStream()
        fixture.server.shutdown()
        XCTAssertTrue(stream.isClosed)
        XCTAssertTrue(client.readUntilClosed().closed)
        XCTAssertEqual(fixture.server.connections, 0)
    }
}
