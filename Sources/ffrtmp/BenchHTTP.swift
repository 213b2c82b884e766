import CommandKit
import Net
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Where a plain-HTTP server listens, from `http://HOST:PORT`.
struct BenchHTTPAddress: Sendable {
    let host: String
    let port: Int

    init(url: String) throws {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
            (1...65_535).contains(port), colon > rest.startIndex
        else { throw UsageError("--master takes http://HOST:PORT, not \"\(url)\"") }
        host = String(rest[..<colon])
        self.port = port
    }
}

/// A blocking HTTP/1.1 GET for the fleet bench's probes: one connection per request
/// (`Connection: close`), the body read to the end of the stream.
enum BenchHTTP {
    /// A response: the status code and the body.
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    static func get(_ address: BenchHTTPAddress, _ target: String) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: errno \(errno)") }
        defer { Glibc.close(fd) }
        let connected = try SocketAddress.resolve(host: address.host, port: address.port).withSockAddr {
            Glibc.connect(fd, $0, $1)
        }
        guard connected == 0 else { throw BenchError("connect \(address.host):\(address.port): errno \(errno)") }
        Socket.setNoDelay(fd)
        let request = Array("GET \(target) HTTP/1.1\r\nHost: \(address.host)\r\nConnection: close\r\n\r\n".utf8)
        guard case .transferred(request.count) = request.withUnsafeBytes({ Socket.write(fd, $0) }) else {
            throw BenchError("could not send the request for \(target)")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        reading: while true {
            switch buffer.withUnsafeMutableBytes({ Socket.read(fd, into: $0) }) {
            case .transferred(let count): received.append(contentsOf: buffer[0..<count])
            case .endOfStream: break reading
            case .wouldBlock: continue
            case .failed(let error): throw BenchError("reading \(target): \(error)")
            }
        }
        return try parse(received, target: target)
    }

    /// Splits `HTTP/1.1 200 OK … \r\n\r\n body`.
    private static func parse(_ bytes: [UInt8], target: String) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = BenchBytes.firstRange(of: separator, in: bytes[...]),
            bytes.count > 12, let status = Int(String(decoding: bytes[9..<12], as: UTF8.self))
        else { throw BenchError("not an HTTP response to \(target)") }
        return Response(status: status, body: Array(bytes[end.upperBound...]))
    }
}

/// Byte searches over response bodies (no Foundation).
enum BenchBytes {
    /// Where `needle` first occurs in `haystack`.
    static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            guard let found = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[found..<(found + needle.count)].elementsEqual(needle) { return found..<(found + needle.count) }
            index = found + 1
        }
        return nil
    }

    /// How many times `needle` occurs (not overlapping).
    static func count(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        var total = 0
        var rest = haystack[...]
        while let range = firstRange(of: needle, in: rest) {
            total += 1
            rest = rest[range.upperBound...]
        }
        return total
    }

    /// The number after `prefix` (up to the line's end), e.g. a Prometheus sample's value.
    static func number(after prefix: String, in text: [UInt8]) -> Double? {
        guard let range = firstRange(of: Array(prefix.utf8), in: text[...]) else { return nil }
        let tail = text[range.upperBound...]
        let end = tail.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: ",") } ?? tail.endIndex
        return Double(String(decoding: tail[..<end], as: UTF8.self).trimmingWhitespace())
    }
}
