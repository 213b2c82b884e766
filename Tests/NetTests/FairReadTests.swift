import Net
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `EventLoop.readFairly`: reading an edge-triggered socket to the end, without starving others.
final class FairReadTests: XCTestCase {
    private var ends: [Int32] = [-1, -1]
    private var loop: EventLoop!
    private let handler = SilentHandler()

    override func setUpWithError() throws {
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends), 0)
        Socket.setBlocking(ends[0], false)
        loop = try EventLoop(index: 0)
    }

    override func tearDown() {
        for end in ends where end >= 0 { close(end) }
    }

    private func send(_ count: Int) {
        let bytes = [UInt8](repeating: 0x61, count: count)
        XCTAssertEqual(bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, count) }, count)
    }

    /// Reads with a `capacity`-byte buffer; returns how the turn ended and the size of each read.
    private func readTurn(
        capacity: Int, budget: Int = 8, peerHasClosed: Bool = false, stopAfter: Int = .max
    ) -> (FairReadEnd, [Int]) {
        let buffer = ByteBuffer(capacity: capacity)
        var reads: [Int] = []
        let end = loop.readFairly(
            ends[0], for: handler, budget: budget, peerHasClosed: peerHasClosed,
            into: {
                buffer.clear()
                return buffer
            },
            received: { received, count in
                XCTAssertEqual(received.readableCount, count)
                reads.append(count)
                return reads.count < stopAfter
            })
        return (end, reads)
    }

    func testAShortReadEndsTheTurnAsDrained() {
        send(10)
        let (end, reads) = readTurn(capacity: 64)
        guard case .drained = end else { return XCTFail("ended \(end)") }
        XCTAssertEqual(reads, [10])
    }

    func testAFullSocketYieldsAfterTheBudgetSoOtherConnectionsGetTheirTurn() {
        send(100)
        let (end, reads) = readTurn(capacity: 16, budget: 3)
        guard case .yielded = end else { return XCTFail("ended \(end)") }
        XCTAssertEqual(reads, [16, 16, 16])
        let (rest, more) = readTurn(capacity: 16, budget: 10)
        guard case .drained = rest else { return XCTFail("ended \(rest)") }
        XCTAssertEqual(more, [16, 16, 16, 4])
    }

    func testAfterAHangUpAShortReadReadsOnToTheEndOfStream() {
        send(10)
        shutdown(ends[1], Int32(SHUT_WR))
        let (end, reads) = readTurn(capacity: 64, peerHasClosed: true)
        guard case .endOfStream = end else { return XCTFail("ended \(end)") }
        XCTAssertEqual(reads, [10])
    }

    func testTheHandlerCanStopTheTurn() {
        send(100)
        let (end, reads) = readTurn(capacity: 16, stopAfter: 2)
        guard case .stopped = end else { return XCTFail("ended \(end)") }
        XCTAssertEqual(reads, [16, 16])
    }

    func testNoBufferEndsTheTurnBeforeAnyRead() {
        send(10)
        let end = loop.readFairly(
            ends[0], for: handler, budget: 8, peerHasClosed: false, into: { nil },
            received: { _, _ in
                XCTFail("read without a buffer")
                return true
            })
        guard case .stopped = end else { return XCTFail("ended \(end)") }
    }
}

/// A handler the loop never calls: the tests drive reads themselves.
private final class SilentHandler: EventHandler {
    func handleReadable(peerClosed: Bool) {}
    func handleWritable() {}
}
