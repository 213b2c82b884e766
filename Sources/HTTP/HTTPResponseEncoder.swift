import Net

/// Writes response heads and bodies into an output buffer (pure: no sockets, no clocks).
enum HTTPResponseEncoder {
    /// How the `Connection` header reads.
    enum Persistence {
        /// Kept open: no header for HTTP/1.1, `keep-alive` for an HTTP/1.0 client that asked.
        case keepAlive(announce: Bool)
        /// `Connection: close`.
        case close
    }

    /// Headers the server owns; a handler's values for them are dropped.
    private static let reservedNames = [
        "Content-Length", "Connection", "Date", "Server", "Transfer-Encoding", "Keep-Alive",
    ]

    /// Appends the status line and headers; `contentLength` nil leaves the length out (a stream
    /// delimited by closing, or a status without a body).
    static func appendHead(
        status: HTTPStatus, headers: HTTPHeaders, contentLength: Int?, persistence: Persistence, date: String,
        serverName: String, to buffer: ByteBuffer
    ) {
        buffer.append("HTTP/1.1 ")
        buffer.appendDecimal(status.code)
        buffer.append(byte: 0x20)
        appendSanitized(status.reason, to: buffer)
        buffer.append("\r\nDate: ")
        buffer.append(string: date)
        buffer.append("\r\nServer: ")
        buffer.append(string: serverName)
        if let contentLength {
            buffer.append("\r\nContent-Length: ")
            buffer.appendDecimal(contentLength)
        }
        switch persistence {
        case .keepAlive(let announce): if announce { buffer.append("\r\nConnection: keep-alive") }
        case .close: buffer.append("\r\nConnection: close")
        }
        if status == .methodNotAllowed && !headers.contains("Allow") { buffer.append("\r\nAllow: GET, HEAD") }
        for (name, value) in headers
        where !name.isEmpty && name.utf8.allSatisfy(HTTPRequestParser.isTokenByte)
            && !reservedNames.contains(where: { HTTPHeaders.namesMatch($0, name) })
        {
            buffer.append("\r\n")
            buffer.append(string: name)
            buffer.append(": ")
            appendSanitized(value, to: buffer)
        }
        buffer.append("\r\n\r\n")
    }

    /// Appends a whole response with a body: the head with `Content-Length`, then the body unless
    /// `omitBody` (HEAD) or the status never has one.
    static func appendResponse(
        status: HTTPStatus, headers: HTTPHeaders, body: [UInt8], omitBody: Bool, persistence: Persistence,
        date: String, serverName: String, to buffer: ByteBuffer
    ) {
        let length = status.allowsBody ? body.count : nil
        appendHead(
            status: status, headers: headers, contentLength: length, persistence: persistence, date: date,
            serverName: serverName, to: buffer)
        if !omitBody && status.allowsBody { buffer.append(body) }
    }

    /// Copies text, turning CR, LF and other controls (which would split the head) into spaces.
    private static func appendSanitized(_ text: String, to buffer: ByteBuffer) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) {
            buffer.append(string: text)
            return
        }
        buffer.append(text.utf8.map { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 ? $0 : 0x20 })
    }
}
