#if canImport(Glibc)
    import Glibc
#endif
@testable import Broker
import TestSupport
import XCTest

/// What a client may make the broker hold before it is cut off: an unfinished control line (spaces
/// included) and the broker's own replies to a client that never reads them.
final class BrokerInputBoundsTests: BrokerTestCase {
    override func configure(_ config: inout BrokerConfig) {
        config.maxPending = 256 * 1024
        config.maxPayload = 64 * 1024
    }

    func testSpacesAfterPubCountAgainstTheControlLineAndCloseTheClient() throws {
        let offender = try client(), bystander = try client()
        offender.readInfo()
        bystander.handshake()
        offender.send("PUB " + String(repeating: " ", count: 8192))
        let text = offender.read(until: "exceeded'\r\n")
        XCTAssertTrue(text.hasSuffix("-ERR 'maximum control line exceeded'\r\n"), text.debugDescription)
        XCTAssertTrue(offender.isClosedByServer())
        bystander.send("PING\r\n")
        XCTAssertTrue(bystander.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
    }

    func testEndlessSpacesAfterPubDoNotGrowTheBroker() throws {
        let offender = try client()
        offender.readInfo()
        let before = residentBytes()
        let accepted = sendUntilRefused(offender.fd, first: Array("PUB ".utf8), filler: UInt8(ascii: " "))
        XCTAssertLessThan(accepted, 32 << 20, "the broker stopped reading long before 64 MiB of spaces")
        XCTAssertLessThan(residentBytes() - before, 32 << 20, "resident memory grew too much")
    }

    func testAClientThatSendsPingsAndNeverReadsIsCutOffAsASlowConsumer() throws {
        let flooder = try client(), bystander = try client()
        flooder.handshake()
        bystander.handshake()
        let before = residentBytes()
        let accepted = sendUntilRefused(flooder.fd, first: [], pattern: Array("PING\r\n".utf8))
        XCTAssertTrue(
            eventually(timeout: .seconds(3)) { self.broker.statistics.slowConsumers == 1 }, "cut off by max_pending")
        XCTAssertLessThan(accepted, 48 << 20, "the broker closed the connection before 64 MiB of PINGs")
        XCTAssertLessThan(residentBytes() - before, 32 << 20, "resident memory grew too much")
        XCTAssertTrue(flooder.isClosedByServer())
        bystander.send("PING\r\n")
        XCTAssertTrue(bystander.read(until: "PONG\r\n").hasSuffix("PONG\r\n"))
    }

    /// Sends `first`, then up to 64 MiB of `filler` bytes (or of `pattern` repeated) until the socket
    /// refuses; returns how many bytes went out.
    private func sendUntilRefused(_ fd: Int32, first: [UInt8], filler: UInt8 = 0, pattern: [UInt8] = []) -> Int {
        var chunk = [UInt8](repeating: filler, count: 1 << 20)
        if !pattern.isEmpty {
            chunk = Array((0..<((1 << 20) / pattern.count)).map { _ in pattern }.joined())
        }
        var sent = 0
        var pending = first + chunk
        while sent < 64 << 20 {
            var offset = 0
            while offset < pending.count {
                let count = pending[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if count <= 0 { return sent + offset }
                offset += count
            }
            sent += pending.count
            pending = chunk
        }
        return sent
    }

    /// This process's resident memory in bytes (the broker runs in it), from /proc/self/statm.
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
