import Dispatch
import Glibc
import Synchronization
import TestSupport
import XCTest

@testable import TLS

/// The blocking adapter over a real socket pair, with threads on both ends.
final class TLSStreamTests: TLSTestCase {
    /// A connected pair of blocking stream sockets, closed in `tearDown`.
    var sockets: (client: Int32, server: Int32) = (-1, -1)

    override func setUpWithError() throws {
        try super.setUpWithError()
        var descriptors: [Int32] = [-1, -1]
        XCTAssertEqual(
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors), 0)
        sockets = (descriptors[0], descriptors[1])
    }

    override func tearDownWithError() throws {
        close(sockets.client)
        close(sockets.server)
        try super.tearDownWithError()
    }

    func testBlockingStreamsHandshakeAndExchangeData() throws {
        let serverStream = try TLSStream(session: mutualServerContext().makeSession(), fileDescriptor: sockets.server)
        let server = Background {
            try serverStream.handshake()
            let request = try serverStream.readExactly(5)
            try serverStream.write(Array(request.reversed()))
            let peer = serverStream.peerCertificate?.commonName ?? "?"
            XCTAssertEqual(try serverStream.readToEnd(), [], "close_notify ends the stream")
            return peer
        }
        let clientStream = try TLSStream(session: clientContext(client).makeSession(), fileDescriptor: sockets.client)
        try clientStream.handshake()
        XCTAssertTrue(clientStream.isPeerVerified)
        try clientStream.write(Array("hello".utf8))
        XCTAssertEqual(try clientStream.readExactly(5), Array("olleh".utf8))
        try clientStream.close()
        XCTAssertEqual(try server.result(), "node-1")
    }

    func testClientUpgradesRightAfterReadingAPlaintextInfoLine() throws {
        let serverStream = try TLSStream(session: mutualServerContext().makeSession(), fileDescriptor: sockets.server)
        let serverSocket = sockets.server
        let server = Background {
            let info = Array("INFO {\"tls_required\":true}\r\n".utf8)
            XCTAssertEqual(info.withUnsafeBytes { send(serverSocket, $0.baseAddress, $0.count, 0) }, info.count)
            try serverStream.handshake()
            return String(decoding: try serverStream.readExactly(6), as: UTF8.self)
        }
        // The client reads the INFO line in plain text, then starts TLS on the same socket.
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x0A) {
            let count = buffer.withUnsafeMutableBytes { recv(sockets.client, $0.baseAddress, $0.count, 0) }
            XCTAssertGreaterThan(count, 0)
            if count <= 0 { return }
            received += buffer[..<count]
        }
        let lineEnd = received.firstIndex(of: 0x0A)! + 1
        XCTAssertTrue(String(decoding: received[..<lineEnd], as: UTF8.self).hasPrefix("INFO "))
        let clientStream = try TLSStream(
            session: clientContext(client).makeSession(), fileDescriptor: sockets.client,
            alreadyReceived: Array(received[lineEnd...]))
        try clientStream.handshake()
        try clientStream.write(Array("PING\r\n".utf8))
        XCTAssertEqual(try server.result(), "PING\r\n")
    }

    func testOneReaderThreadAndOneWriterThreadShareAStream() throws {
        let serverStream = try TLSStream(session: mutualServerContext().makeSession(), fileDescriptor: sockets.server)
        let total = 4 << 20
        let echo = Background {
            try serverStream.handshake()
            var buffer = [UInt8](repeating: 0, count: 32 * 1024)
            var echoed = 0
            while echoed < total {
                let count = try buffer.withUnsafeMutableBytes { try serverStream.read(into: $0) }
                if count == 0 { break }
                try serverStream.write(Array(buffer[..<count]))
                echoed += count
            }
            return echoed
        }
        let clientStream = try TLSStream(session: clientContext(client).makeSession(), fileDescriptor: sockets.client)
        try clientStream.handshake()
        let writer = Background {
            var generator = SeededGenerator(seed: 3)
            var checksum: UInt64 = 0
            var sent = 0
            while sent < total {
                let piece = generator.bytes(min(10_000, total - sent))
                for byte in piece { checksum = checksum &* 31 &+ UInt64(byte) }
                try clientStream.write(piece)
                sent += piece.count
            }
            return checksum
        }
        var checksum: UInt64 = 0
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while received < total {
            let count = try buffer.withUnsafeMutableBytes { try clientStream.read(into: $0) }
            XCTAssertGreaterThan(count, 0)
            if count == 0 { break }
            for byte in buffer[..<count] { checksum = checksum &* 31 &+ UInt64(byte) }
            received += count
        }
        XCTAssertEqual(try writer.result(), checksum)
        XCTAssertEqual(try echo.result(), total)
    }

    func testAPeerThatHangsUpMidHandshakeIsReported() throws {
        let serverSocket = sockets.server
        let server = Background {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(serverSocket, $0.baseAddress, $0.count, 0) }
            shutdown(serverSocket, Int32(SHUT_RDWR))
            return count
        }
        let clientStream = try TLSStream(session: clientContext(client).makeSession(), fileDescriptor: sockets.client)
        XCTAssertThrowsError(try clientStream.handshake()) { error in
            XCTAssertEqual(error as? TLSError, .connectionClosed)
        }
        XCTAssertGreaterThan(try server.result(), 0, "the ClientHello was sent")
    }

    func testASilentPeerTimesOutOnTheSocketsReceiveTimeout() throws {
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(sockets.client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let clientStream = try TLSStream(session: clientContext(client).makeSession(), fileDescriptor: sockets.client)
        XCTAssertThrowsError(try clientStream.handshake()) { error in
            XCTAssertEqual(error as? TLSError, .timedOut(operation: "recv"))
        }
    }
}

extension TLSStream {
    /// Reads exactly `count` bytes (fewer only at end of stream).
    func readExactly(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let wanted = count - result.count
            let got = try buffer.withUnsafeMutableBytes {
                try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
            }
            if got == 0 { break }
            result += buffer[..<got]
        }
        return result
    }

    /// Reads until the peer ends the stream.
    func readToEnd() throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if got == 0 { return result }
            result += buffer[..<got]
        }
    }
}

/// A closure running on another thread, with its result or error collected once it ends.
final class Background<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// Waits (at most 10 s) for the closure and returns what it returned or rethrows what it threw.
    func result() throws -> Value {
        guard done.wait(timeout: .now() + 10) == .success else { throw TLSError.timedOut(operation: "background") }
        return try outcome.withLock { $0! }.get()
    }
}
