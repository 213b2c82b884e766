#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support
import XCTest

/// A blocking test client that speaks raw protocol bytes, to check exactly what the broker sends.
final class RawClient {
    let fd: Int32
    private var received: [UInt8] = []

    init(port: Int, readTimeoutMilliseconds: Int = 2000) throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: port)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let status = try address.withSockAddr { pointer, length in connect(fd, pointer, length) }
        guard status == 0 else { throw SystemError("connect") }
        var timeout = timeval(tv_sec: readTimeoutMilliseconds / 1000, tv_usec: (readTimeoutMilliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Socket.setNoDelay(fd)
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Reads until `marker` has arrived (or the timeout/close); returns everything read so far and
    /// forgets it.
    @discardableResult
    func read(until marker: String) -> String {
        let needle = Array(marker.utf8)
        while !contains(needle) {
            if !readMore() { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        received.removeAll()
        return text
    }

    /// Reads the INFO line and returns it.
    @discardableResult func readInfo() -> String { read(until: "\r\n") }

    /// Sends CONNECT (verbose off) + PING and waits for the PONG.
    func handshake(_ options: String = #"{"verbose":false,"pedantic":false,"headers":true,"no_responders":true}"#) {
        readInfo()
        send("CONNECT \(options)\r\nPING\r\n")
        read(until: "PONG\r\n")
    }

    /// True when the server has closed the connection (reads end-of-stream before the timeout).
    func isClosedByServer() -> Bool {
        while true {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return CSystem_errnoIsConnectionReset() }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// Everything received and not yet returned by `read`.
    var unread: String { String(decoding: received, as: UTF8.self) }

    private func readMore() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        received.append(contentsOf: buffer[..<count])
        return true
    }

    private func contains(_ needle: [UInt8]) -> Bool {
        guard received.count >= needle.count else { return false }
        var index = 0
        while index + needle.count <= received.count {
            if received[index] == needle[0] && Array(received[index..<index + needle.count]) == needle { return true }
            index += 1
        }
        return false
    }
}

private func CSystem_errnoIsConnectionReset() -> Bool { errno == ECONNRESET }
