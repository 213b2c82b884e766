#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support
import XCTest

/// One parsed response, as the test client read it.
struct TestResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking client over a real socket that speaks raw bytes, so tests see exactly what the
/// server sends (and can send what no well-behaved client would).
final class HTTPTestClient {
    let fd: Int32
    private var received: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the socket's receive buffer (set
    /// before connecting so the window stays small) to make a client that does not read fill up fast.
    init(port: Int, readTimeoutMilliseconds: Int = 3000, receiveBuffer: Int32? = nil) throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: port)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let status = try address.withSockAddr { pointer, length in connect(fd, pointer, length) }
        guard status == 0 else {
            close(fd)
            throw SystemError("connect")
        }
        setReadTimeout(milliseconds: readTimeoutMilliseconds)
        Socket.setNoDelay(fd)
    }

    deinit { close(fd) }

    func setReadTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

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

    /// Sends a GET (or `method`) with a Host header and `extra` header lines.
    func request(_ method: String = "GET", _ target: String, extra: String = "") {
        send("\(method) \(target) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n")
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response; the body by Content-Length, none for HEAD or when `bodyless`, or up to the
    /// close when there is no length. Nil when the connection ends (or times out) before a whole head.
    func readResponse(bodyless: Bool = false) -> TestResponse? {
        guard let headEnd = fill(untilFound: [13, 10, 13, 10]) else { return nil }
        let head = String(decoding: received[..<headEnd], as: UTF8.self)
        received.removeFirst(headEnd + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var body: [UInt8] = []
        if !bodyless {
            if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }
            ) {
                while received.count < length && readMore() {}
                body = Array(received.prefix(length))
                received.removeFirst(body.count)
            } else {
                body = readUntilClosed().bytes
            }
        }
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Reads until the server closes or the read times out; `closed` tells which.
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        while true {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[..<count])
                continue
            }
            let closed = count == 0 || errno == ECONNRESET
            defer { received.removeAll() }
            return (received, closed)
        }
    }

    /// Reads Server-Sent Events until `count` have arrived: each as its `event`, `data` and `id`.
    func readEvents(_ count: Int) -> [(event: String?, data: String, id: String?)] {
        var events: [(event: String?, data: String, id: String?)] = []
        while events.count < count, let end = fill(untilFound: [10, 10]) {
            let block = String(decoding: received[..<end], as: UTF8.self)
            received.removeFirst(end + 2)
            var event: String?
            var id: String?
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if !data.isEmpty { events.append((event, data.joined(separator: "\n"), id)) }
        }
        return events
    }

    /// Reads until `text` has arrived (true) or the connection ends or times out (false); keeps the rest.
    func waitFor(_ text: String) -> Bool {
        guard let end = fill(untilFound: Array(text.utf8)) else { return false }
        received.removeFirst(end + text.utf8.count)
        return true
    }

    /// Index of `needle` in what was received, reading more as needed; nil on close or timeout.
    private func fill(untilFound needle: [UInt8]) -> Int? {
        var searchFrom = 0
        while true {
            if received.count >= needle.count {
                var index = searchFrom
                while index + needle.count <= received.count {
                    if received[index] == needle[0] && received[index..<index + needle.count].elementsEqual(needle) {
                        return index
                    }
                    index += 1
                }
                searchFrom = max(0, received.count - needle.count + 1)
            }
            if !readMore() { return nil }
        }
    }

    private func readMore() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        received.append(contentsOf: buffer[..<count])
        return true
    }
}
