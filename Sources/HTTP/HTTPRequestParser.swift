#if canImport(Glibc)
    import Glibc
#endif

/// A request head as it arrived, before any meaning is given to it (see `HTTPRequest(head:)`).
struct HTTPRequestHead: Sendable, Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
}

/// Finds and parses one request head at the front of a connection's input (pure: bytes in,
/// head out).
///
/// Fed the same unconsumed input again and again as more arrives, it resumes its search for line
/// ends where it stopped, so a head trickling in byte by byte costs linear time. Limits are
/// enforced while searching, before the head is complete: a peer cannot make the server hold more
/// than `maxRequestLineBytes + maxHeaderBytes` of input. Lines may end in CRLF or a bare LF.
struct HTTPRequestParser {
    /// What `parse` found.
    enum Result: Equatable {
        /// A whole head, which took `consumed` bytes from the front of the input.
        case head(HTTPRequestHead, consumed: Int)
        /// The head is incomplete; call again with the same input and more.
        case needMore
        /// The head is unacceptable; the connection answers and closes.
        case failure(HTTPRequestError)
    }

    let maxRequestLineBytes: Int
    let maxHeaderBytes: Int
    let maxHeaderCount: Int

    /// The first byte not yet searched for a line end.
    private var scanned = 0
    /// Where the line being searched starts.
    private var lineStart = 0
    /// Where the request line starts (after the few empty lines RFC 9112 §2.2 lets a server skip).
    private var requestLineStart = 0
    /// Where the request line's text ends and the header lines start, once the request line is whole.
    private var requestLineEnd = 0
    private var headerStart: Int?
    private var headerCount = 0

    init(maxRequestLineBytes: Int, maxHeaderBytes: Int, maxHeaderCount: Int) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }

    init(configuration: HTTPServerConfiguration) {
        self.init(
            maxRequestLineBytes: configuration.maxRequestLineBytes, maxHeaderBytes: configuration.maxHeaderBytes,
            maxHeaderCount: configuration.maxHeaderCount)
    }

    /// Forgets the last head; call after consuming it.
    mutating func reset() {
        scanned = 0
        lineStart = 0
        requestLineStart = 0
        requestLineEnd = 0
        headerStart = nil
        headerCount = 0
    }

    /// True when some of a head has arrived (not just empty lines): the header timeout runs.
    var hasPartialHead: Bool { scanned > requestLineStart }

    mutating func parse(_ input: UnsafeRawBufferPointer) -> Result {
        guard let base = input.baseAddress, input.count > scanned else { return .needMore }
        while scanned < input.count {
            // memchr is safe: the range base+scanned ..< base+count lies inside `input`.
            guard let found = memchr(base + scanned, 0x0A, input.count - scanned) else {
                scanned = input.count
                break
            }
            let newline = UnsafeRawPointer(found) - base
            var contentEnd = newline
            if contentEnd > lineStart && input[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let isEmpty = contentEnd == lineStart
            if let headerStart {
                if isEmpty {
                    return Self.decode(
                        input, requestLine: requestLineStart..<requestLineEnd, headerLines: headerStart..<lineStart,
                        consumed: newline + 1)
                }
                headerCount += 1
                if headerCount > maxHeaderCount { return .failure(.tooManyHeaders) }
                if newline + 1 - headerStart > maxHeaderBytes { return .failure(.headersTooLarge) }
            } else if isEmpty {
                if newline >= 8 { return .failure(.malformedRequestLine) }
                requestLineStart = newline + 1
            } else {
                if contentEnd - lineStart > maxRequestLineBytes { return .failure(.requestLineTooLong) }
                requestLineEnd = contentEnd
                headerStart = newline + 1
            }
            lineStart = newline + 1
            scanned = newline + 1
        }
        // A CR that ends the input may be the first half of the line's CRLF, which the line-end checks
        // above do not count against the request line's limit: so neither is it here. How the reads
        // split the input must not change the answer.
        var pendingEnd = input.count
        if pendingEnd > lineStart && input[pendingEnd - 1] == 0x0D { pendingEnd -= 1 }
        if let headerStart {
            if pendingEnd - headerStart > maxHeaderBytes { return .failure(.headersTooLarge) }
        } else if pendingEnd - lineStart > maxRequestLineBytes {
            return .failure(.requestLineTooLong)
        }
        return .needMore
    }

    // MARK: decoding a whole head

    private static func decode(
        _ input: UnsafeRawBufferPointer, requestLine: Range<Int>, headerLines: Range<Int>, consumed: Int
    ) -> Result {
        let line = UnsafeRawBufferPointer(rebasing: input[requestLine])
        guard let firstSpace = line.firstIndex(of: 0x20), let lastSpace = line.lastIndex(of: 0x20),
            firstSpace > 0, lastSpace > firstSpace + 1
        else { return .failure(.malformedRequestLine) }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<lastSpace]
        guard method.allSatisfy(isTokenByte), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.malformedRequestLine)
        }
        let version: HTTPVersion
        switch parseVersion(line[(lastSpace + 1)...]) {
        case .success(let parsed): version = parsed
        case .failure(let error): return .failure(error)
        }
        var headers = HTTPHeaders()
        var start = headerLines.lowerBound
        while start < headerLines.upperBound {
            var end = start
            while input[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start && input[end - 1] == 0x0D { end -= 1 }
            guard let field = parseField(UnsafeRawBufferPointer(rebasing: input[start..<end])) else {
                return .failure(.malformedHeader)
            }
            headers.add(name: field.name, value: field.value)
            start = next
        }
        let head = HTTPRequestHead(
            method: text(method), target: text(target), version: version, headers: headers)
        return .head(head, consumed: consumed)
    }

    /// `HTTP/1.x`; another major version is unsupported, anything else malformed.
    private static func parseVersion(_ bytes: Slice<UnsafeRawBufferPointer>)
        -> Swift.Result<HTTPVersion, HTTPRequestError>
    {
        let digits = Array(bytes)
        guard digits.count == 8, digits.starts(with: Array("HTTP/".utf8)), digits[6] == UInt8(ascii: "."),
            let major = digit(digits[5]), let minor = digit(digits[7])
        else { return .failure(.malformedRequestLine) }
        guard major == 1 else { return .failure(.unsupportedVersion) }
        return .success(HTTPVersion(major: major, minor: minor))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    /// `name: value` with optional spaces around the value. No space before the colon and no
    /// folded continuation (a line starting with a space) is allowed (RFC 9112 §5.1, §5.2).
    private static func parseField(_ line: UnsafeRawBufferPointer) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        let name = line[..<colon]
        guard name.allSatisfy(isTokenByte) else { return nil }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && isSpace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && isSpace(line[valueEnd - 1]) { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        // Field values are visible characters, spaces, tabs and obs-text; never other controls.
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else { return nil }
        return (text(name), text(value))
    }

    @inline(__always) private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes), as: UTF8.self)
    }
}
