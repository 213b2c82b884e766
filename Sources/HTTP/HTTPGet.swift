import Net

/// A small blocking HTTP/1.1 client for GET requests over plain TCP (`http://` only), on Net's
/// blocking `BlockingSocket`: for the CLI reading the master's API. One request per connection
/// (`Connection: close`); the whole exchange, connecting included, must finish within `timeout`.
public enum HTTPGet {
    /// Fetches `url`. Any status is returned (the caller decides what a 404 means); errors are for
    /// responses that never arrived whole.
    public static func fetch(
        _ url: String, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 64 * 1024 * 1024,
        headers: [(name: String, value: String)] = []
    ) throws(HTTPGetError) -> HTTPReceivedResponse {
        try fetch(HTTPAddress(parsing: url), timeout: timeout, maximumBodyBytes: maximumBodyBytes, headers: headers)
    }

    public static func fetch(
        _ address: HTTPAddress, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 64 * 1024 * 1024,
        headers: [(name: String, value: String)] = []
    ) throws(HTTPGetError) -> HTTPReceivedResponse {
        let deadline = Deadline.after(timeout)
        let socket: BlockingSocket
        do {
            socket = try BlockingSocket.connect(
                host: address.host, port: address.port, timeout: timeout, writeTimeout: timeout)
        } catch {
            throw .cannotConnect(error)
        }
        defer { socket.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        var request = "GET \(address.target) HTTP/1.1\r\nHost: \(address.hostHeader)\r\n"
        request += "User-Agent: ffrtmp\r\nAccept: application/json\r\nConnection: close\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        request += "\r\n"
        let requestBytes = Array(request.utf8)
        guard requestBytes.count <= buffer.count else { throw .invalidURL(address.target) }
        buffer.copyBytes(from: requestBytes)
        do {
            try socket.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<requestBytes.count]))
        } catch {
            throw .socket(error)
        }
        var parser = HTTPResponseParser(maximumBodyBytes: maximumBodyBytes)
        while true {
            guard !deadline.hasPassed else { throw .timeout(received: parser.receivedBytes) }
            socket.setReadDeadline(deadline)
            let count: Int
            do {
                count = try socket.read(into: buffer)
            } catch .timeout {
                throw .timeout(received: parser.receivedBytes)
            } catch {
                throw .socket(error)
            }
            if count == 0 { return try parser.finish() }
            if let response = try parser.consume(buffer[..<count]) { return response }
        }
    }
}
