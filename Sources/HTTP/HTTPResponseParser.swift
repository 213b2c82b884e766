/// Reads one HTTP/1.x response from bytes as they arrive, cut anywhere: the status line, headers,
/// then a body framed by `Content-Length`, by chunks (`Transfer-Encoding: chunked`, trailers read and
/// dropped) or by the end of the connection. Interim 1xx responses are skipped. Pure: no I/O.
struct HTTPResponseParser {
    private enum State {
        case statusLine, headers, fixedBody(remaining: Int), chunkSize, chunkData(remaining: Int), chunkEnd
        case trailers, untilClose, done
    }

    /// Largest status line plus headers accepted.
    static let maximumHeadBytes = 64 * 1024

    let maximumBodyBytes: Int
    private var state = State.statusLine
    private var pending: [UInt8] = []
    /// Index of the first unread byte in `pending`.
    private var position = 0
    private var headBytes = 0
    private var response = HTTPReceivedResponse(status: 0)
    private var expectedLength = 0
    /// Bytes taken so far, for error messages.
    private(set) var receivedBytes = 0

    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Takes the next bytes; returns the response once it is complete (later bytes are ignored).
    mutating func consume<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(HTTPGetError) -> HTTPReceivedResponse? {
        receivedBytes += bytes.count
        if case .done = state { return response }
        if position > 0 && position * 2 >= pending.count {
            pending.removeFirst(position)
            position = 0
        }
        pending.append(contentsOf: bytes)
        while try step() {}
        if case .done = state { return response }
        return nil
    }

    /// The server closed the connection: the response when it was complete (or ends at the close),
    /// else `.closedEarly` saying where it stopped.
    mutating func finish() throws(HTTPGetError) -> HTTPReceivedResponse {
        switch state {
        case .done, .untilClose:
            state = .done
            return response
        case .statusLine where receivedBytes == 0:
            throw .closedEarly("no response at all")
        case .statusLine, .headers:
            throw .closedEarly("in the middle of the headers")
        case .fixedBody:
            throw .closedEarly("after \(response.body.count) of \(expectedLength) body bytes")
        case .chunkSize, .chunkData, .chunkEnd, .trailers:
            throw .closedEarly("in the middle of a chunked body (\(response.body.count) bytes so far)")
        }
    }

    /// One step of parsing; false when more bytes are needed (or the response is done).
    private mutating func step() throws(HTTPGetError) -> Bool {
        switch state {
        case .statusLine:
            guard let line = try headLine() else { return false }
            try statusLine(line)
            state = .headers
        case .headers:
            guard let line = try headLine() else { return false }
            if line.isEmpty {
                try headersEnded()
            } else {
                try header(line)
            }
        case .fixedBody(let remaining):
            let count = min(remaining, pending.count - position)
            guard count > 0 else { return false }
            try takeBody(count)
            state = remaining == count ? .done : .fixedBody(remaining: remaining - count)
        case .untilClose:
            let count = pending.count - position
            guard count > 0 else { return false }
            try takeBody(count)
        case .chunkSize:
            guard let line = try shortLine() else { return false }
            let digits = line.prefix { $0 != ";" }.trimmingWhitespace()
            guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16) else {
                throw .malformed("bad chunk size \"\(line.prefix(40))\"")
            }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkData(let remaining):
            let count = min(remaining, pending.count - position)
            guard count > 0 else { return false }
            try takeBody(count)
            state = remaining == count ? .chunkEnd : .chunkData(remaining: remaining - count)
        case .chunkEnd:
            guard let line = try shortLine() else { return false }
            guard line.isEmpty else { throw .malformed("a chunk is longer than its size says") }
            state = .chunkSize
        case .trailers:
            guard let line = try shortLine() else { return false }
            if line.isEmpty { state = .done }
        case .done:
            return false
        }
        return true
    }

    /// The next line of the head, counted against its limit.
    private mutating func headLine() throws(HTTPGetError) -> String? {
        let start = position
        let line = line()
        headBytes += line == nil ? 0 : position - start
        if headBytes > Self.maximumHeadBytes
            || (line == nil && headBytes + pending.count - position > Self.maximumHeadBytes)
        {
            throw .malformed("the headers are longer than \(Self.maximumHeadBytes) bytes")
        }
        return line
    }

    /// A line ending in LF (CR before it dropped), when a whole one has arrived.
    private mutating func line() -> String? {
        guard let newline = pending[position...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var end = newline
        if end > position && pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = String(decoding: pending[position..<end], as: UTF8.self)
        position = newline + 1
        return text
    }

    /// A chunk-size or trailer line: short, so an endless one is refused rather than buffered.
    private mutating func shortLine() throws(HTTPGetError) -> String? {
        if let line = line() { return line }
        if pending.count - position > 8192 { throw .malformed("a chunk line is longer than 8192 bytes") }
        return nil
    }

    private mutating func statusLine(_ line: String) throws(HTTPGetError) {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .malformed("unexpected first line \"\(line.prefix(60))\"")
        }
        response = HTTPReceivedResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "")
    }

    private mutating func header(_ line: String) throws(HTTPGetError) {
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            throw .malformed("bad header line \"\(line.prefix(60))\"")
        }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        response.headers[name] = response.headers[name].map { $0 + ", " + value } ?? value
    }

    private mutating func headersEnded() throws(HTTPGetError) {
        let status = response.status
        if (100...199).contains(status) && status != 101 {
            // An interim response (100 Continue): the real one follows.
            state = .statusLine
            return
        }
        if status == 204 || status == 304 || (100...199).contains(status) {
            state = .done
        } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            state = .chunkSize
        } else if let text = response.header("content-length") {
            guard let length = Int(text), length >= 0 else {
                throw .malformed("bad Content-Length \"\(text.prefix(40))\"")
            }
            guard length <= maximumBodyBytes else { throw .tooLarge(limit: maximumBodyBytes) }
            expectedLength = length
            state = length == 0 ? .done : .fixedBody(remaining: length)
        } else {
            state = .untilClose
        }
    }

    private mutating func takeBody(_ count: Int) throws(HTTPGetError) {
        guard response.body.count + count <= maximumBodyBytes else { throw .tooLarge(limit: maximumBodyBytes) }
        response.body.append(contentsOf: pending[position..<position + count])
        position += count
    }
}
