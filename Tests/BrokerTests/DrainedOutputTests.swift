@testable import Broker
import Net
import TestSupport
import XCTest

/// A client's output buffer that grew past `ClientConnection.largeOutputCapacity` is given back at
/// the loop's tick once drained, not on each drain: a subscriber that reads in bursts keeps its
/// buffer between bursts instead of growing it again from fresh pages every time.
final class DrainedOutputTests: BrokerTestCase {
    func testALargeOutputBufferIsGivenBackAtTheTickOnceDrained() throws {
        let subscriber = try client(), publisher = try client()
        subscriber.handshake()
        subscriber.send("SUB big 1\r\nPING\r\n")
        subscriber.read(until: "PONG\r\n")
        publisher.handshake()
        let payload = String(repeating: "b", count: 1 << 20)  // the largest payload: the buffer passes 1 MiB
        publisher.send("PUB big \(payload.utf8.count)\r\n\(payload)\r\nPING\r\n")
        publisher.read(until: "PONG\r\n")
        let delivered = subscriber.read(until: payload + "\r\n")
        XCTAssertTrue(delivered.hasSuffix(payload + "\r\n"), "the message arrived whole")
        XCTAssertTrue(
            eventually(timeout: .seconds(10)) { subscriberOutputCapacity() == ClientConnection.idleOutputCapacity },
            "the drained buffer shrank at a tick; capacity now \(subscriberOutputCapacity())")
    }

    func testAWriteWithoutAnIdleCapacityLeavesADrainedBufferItsSize() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends), 0)
        defer { for end in ends { close(end) } }
        var size: Int32 = 4 << 20
        setsockopt(ends[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let buffer = ByteBuffer(capacity: 512)
        let bytes = [UInt8](repeating: 7, count: 1 << 20 | 1)
        bytes.withUnsafeBytes { buffer.append($0) }
        let grown = buffer.capacity
        XCTAssertGreaterThan(grown, 1 << 20)
        var drained = false
        let readEnd = ends[1], total = bytes.count
        let reader = SystemThread.start(name: "drain-reader") {
            var sink = [UInt8](repeating: 0, count: 1 << 16)
            var received = 0
            while received < total {
                let count = sink.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                received += count
            }
        }
        while !drained {
            switch buffer.write(to: ends[0], idleCapacity: nil) {
            case .drained: drained = true
            case .blocked: usleep(1000)
            case .failed(let reason):
                XCTFail(reason)
                drained = true
            }
        }
        SystemThread.join(reader)
        XCTAssertTrue(buffer.isEmpty)
        XCTAssertEqual(buffer.capacity, grown, "kept for its owner to shrink")
        buffer.shrink(to: 64 << 10)
        XCTAssertEqual(buffer.capacity, 64 << 10)
    }

    /// The output capacity of the broker's client with a subscription, read on its loop under its lock.
    private func subscriberOutputCapacity() -> Int {
        let capacity = LockedBox(0)
        for context in broker.clientContexts {
            context.loop.runAndWait {
                for client in context.connections.values where !client.subscriptions.isEmpty {
                    capacity.set(client.outboundLock.withLock { client.outbound.capacity })
                }
            }
        }
        return capacity.get()
    }
}
