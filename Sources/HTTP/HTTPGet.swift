import Net
import TLS

/// A small blocking HTTP/1.1 client for GET requests over TCP (`http://`) or TLS (`https://`), on Net's
/// blocking `BlockingSocket`: for the CLI reading the master's API. One request per connection
/// (`Connection: close`); the whole exchange, connecting included, must finish within `timeout`. For
/// `https://` the server is verified against `tls` (a client context: its CA file, and a client
/// certificate when the server wants one), or the system's CAs without it.
public enum HTTPGet {
    /// Fetches `url`. Any status is returned (the caller decides what a 404 means); errors are for
    /// responses that never arrived whole.
    public static func fetch(
        _ url: String, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 64 * 1024 * 1024,
        headers: [(name: String, value: String)] = [], tls: TLSContext? = nil
    ) throws(HTTPGetError) -> HTTPReceivedResponse {
        try fetch(
            HTTPAddress(parsing: url), timeout: timeout, maximumBodyBytes: maximumBodyBytes, headers: headers, tls: tls)
    }

    public static func fetch(
        _ address: HTTPAddress, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 64 * 1024 * 1024,
        headers: [(name: String, value: String)] = [], tls: TLSContext? = nil
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
        let stream = address.isSecure ? try secureStream(over: socket, address: address, tls: tls, deadline) : nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        var request = "GET \(address.target) HTTP/1.1\r\nHost: \(address.hostHeader)\r\n"
        request += "User-Agent: ffrtmp\r\nAccept: application/json\r\nConnection: close\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        request += "\r\n"
        let requestBytes = Array(request.utf8)
        guard requestBytes.count <= buffer.count else { throw .invalidURL(address.target) }
        buffer.copyBytes(from: requestBytes)
        let requestBuffer = UnsafeRawBufferPointer(rebasing: buffer[..<requestBytes.count])
        do {
            if let stream { try stream.write(requestBuffer) } else { try socket.writeAll(requestBuffer) }
        } catch let error as TLSError {
            throw .tls(error)
        } catch let error as BlockingSocketError {
            throw .socket(error)
        } catch {
            throw .closedEarly("\(error)")
        }
        var parser = HTTPResponseParser(maximumBodyBytes: maximumBodyBytes)
        while true {
            guard !deadline.hasPassed else { throw .timeout(received: parser.receivedBytes) }
            socket.setReadDeadline(deadline)
            let count: Int
            if let stream {
                do {
                    count = try stream.read(into: buffer)
                } catch .timedOut {
                    throw .timeout(received: parser.receivedBytes)
                } catch {
                    throw .tls(error)
                }
            } else {
                do {
                    count = try socket.read(into: buffer)
                } catch .timeout {
                    throw .timeout(received: parser.receivedBytes)
                } catch {
                    throw .socket(error)
                }
            }
            if count == 0 { return try parser.finish() }
            if let response = try parser.consume(buffer[..<count]) { return response }
        }
    }

    /// A client context that trusts the system's CAs.
    private static func systemTrust() throws(TLSError) -> TLSContext {
        try TLSContext(.client(trustedAuthoritiesPath: nil))
    }

    /// The TLS handshake with `address`'s host as the name its certificate must carry.
    private static func secureStream(
        over socket: BlockingSocket, address: HTTPAddress, tls: TLSContext?, _ deadline: Deadline
    ) throws(HTTPGetError) -> TLSStream {
        socket.setReadDeadline(deadline)
        do throws(TLSError) {
            let context: TLSContext
            if let tls { context = tls } else { context = try systemTrust() }
            let session = try context.makeSession(serverName: address.host)
            let stream = try TLSStream(session: session, fileDescriptor: socket.descriptor)
            try stream.handshake()
            return stream
        } catch {
            throw .tls(error)
        }
    }
}
