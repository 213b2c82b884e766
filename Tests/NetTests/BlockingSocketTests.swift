import Net
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The blocking socket under the NATS client and the HTTP GET client: connect, write, read with a deadline.
final class BlockingSocketTests: XCTestCase {
    func testABlockingSocketConnectsWritesAndReadsBackWhatThePeerSends() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { Socket.close(listener) }
        let socket = try BlockingSocket.connect(
            host: "127.0.0.1", port: port, timeout: .seconds(5), writeTimeout: .seconds(5))
        defer { socket.close() }
        let peer = try XCTUnwrap(try acceptWithin(listener, seconds: 5))
        defer { Socket.close(peer) }
        Socket.setBlocking(peer, true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: Array("ping".utf8))
        try socket.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<4]))
        var received = [UInt8](repeating: 0, count: 16)
        let count = received.withUnsafeMutableBytes { recv(peer, $0.baseAddress, $0.count, 0) }
        XCTAssertEqual(Array(received[..<max(0, count)]), Array("ping".utf8))
        _ = Array("pong".utf8).withUnsafeBytes { send(peer, $0.baseAddress, $0.count, 0) }
        socket.setReadDeadline(.after(.seconds(5)))
        let read = try socket.read(into: buffer)
        XCTAssertEqual(Array(buffer[..<read]), Array("pong".utf8))
    }

    func testAReadThatPassesItsDeadlineThrowsTimeout() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { Socket.close(listener) }
        let socket = try BlockingSocket.connect(
            host: "127.0.0.1", port: port, timeout: .seconds(5), writeTimeout: .seconds(5))
        defer { socket.close() }
        socket.setReadDeadline(.after(.milliseconds(50)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        XCTAssertThrowsError(try socket.read(into: buffer)) { error in
            XCTAssertEqual(error as? BlockingSocketError, .timeout)
        }
    }

    func testConnectingToAClosedPortIsRefusedWithTheHostAndPortInItsText() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        Socket.close(listener)
        XCTAssertThrowsError(
            try BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: .seconds(5), writeTimeout: .seconds(5))
        ) { error in
            XCTAssertEqual(error as? BlockingSocketError, .connectionRefused(host: "127.0.0.1", port: port))
            XCTAssertEqual("\(error)", "connection refused by 127.0.0.1:\(port)")
        }
    }

    func testTheErrorTextsNameTheHostAndPortAsPeopleWriteThem() {
        XCTAssertEqual(
            BlockingSocketError.connectTimeout(host: "::1", port: 4222).description,
            "timed out connecting to [::1]:4222")
        XCTAssertEqual(
            BlockingSocketError.cannotResolve(host: "nowhere", reason: "Name or service not known").description,
            "cannot resolve host nowhere: Name or service not known")
        XCTAssertEqual(BlockingSocketError.timeout.description, "timed out")
        XCTAssertEqual(
            BlockingSocketError.socket(operation: "recv", code: ECONNRESET).description,
            "recv failed: Connection reset by peer")
    }

    private func acceptWithin(_ listener: Int32, seconds: Int) throws -> Int32? {
        let deadline = Deadline.after(.seconds(seconds))
        while !deadline.hasPassed {
            if let peer = try Socket.accept(listener) { return peer }
            usleep(1000)
        }
        return nil
    }
}
