import Net
#if canImport(Glibc)
    import Glibc
#endif

/// Parses server→client operations (INFO, MSG, HMSG, PING, PONG, +OK, -ERR) from the start of a
/// contiguous buffer, without allocating.
///
/// Like `ClientOpParser`, it holds no state between calls: the caller keeps an unfinished op at the
/// front of its buffer (a `ByteBuffer`'s readable bytes) until more arrives, so input split at any
/// byte gives `.needMore`, and the same op once whole. `minimumTotal` lets a reader wait for a large
/// payload without parsing its control line again on every read. Op names are case-insensitive,
/// arguments are separated by runs of spaces or tabs, a lone LF ends a line as well as CRLF.
public struct ServerOpParser: Sendable {
    /// Longest argument part of a control line, as nats-server's max_control_line.
    public var maxControlLine: Int
    /// Longest `INFO` line: a cluster's INFO lists every server URL and may pass 4096 bytes.
    public var maxInfoLine: Int
    /// Largest MSG/HMSG size accepted (the server's max_payload tops out at 64 MiB).
    public var maxPayload: Int

    public init(maxControlLine: Int = 4096, maxInfoLine: Int = 1 << 20, maxPayload: Int = 64 << 20) {
        self.maxControlLine = maxControlLine
        self.maxInfoLine = maxInfoLine
        self.maxPayload = maxPayload
    }

    /// Parses one op from the start of `input`.
    public func parse(_ input: UnsafeRawBufferPointer) -> ServerParseResult {
        guard let base = input.baseAddress, input.count > 0 else { return .needMore(minimumTotal: 0) }
        let count = input.count
        let keyword: Keyword
        switch Keyword.match(base, count) {
        case .found(let found): keyword = found
        case .incomplete: return .needMore(minimumTotal: 0)
        case .unknown: return .failure(.unknownOperation)
        }
        var position = keyword.length
        if keyword.needsSeparator {
            guard position < count else { return .needMore(minimumTotal: 0) }
            guard Self.isBlank(base.load(fromByteOffset: position, as: UInt8.self)) else {
                return .failure(.unknownOperation)
            }
        }
        while position < count && Self.isBlank(base.load(fromByteOffset: position, as: UInt8.self)) { position += 1 }
        let argumentStart = position
        let limit = keyword == .info ? maxInfoLine : maxControlLine
        guard let newline = memchr(base + argumentStart, Int32(Self.lineFeed), count - argumentStart) else {
            if count - argumentStart > limit { return .failure(.maximumControlLineExceeded) }
            return .needMore(minimumTotal: 0)
        }
        let lineEnd = UnsafeRawPointer(newline) - base
        var argumentEnd = lineEnd
        while argumentEnd > argumentStart
            && Self.isWhitespace(base.load(fromByteOffset: argumentEnd - 1, as: UInt8.self))
        {
            argumentEnd -= 1
        }
        if argumentEnd - argumentStart > limit { return .failure(.maximumControlLineExceeded) }
        let arguments = UnsafeRawBufferPointer(start: base + argumentStart, count: argumentEnd - argumentStart)
        let consumed = lineEnd + 1
        switch keyword {
        case .ping: return .operation(.ping, consumed: consumed)
        case .pong: return .operation(.pong, consumed: consumed)
        case .ok: return .operation(.ok, consumed: consumed)
        case .info: return .operation(.info(json: arguments), consumed: consumed)
        case .error: return .operation(.error(text: Self.unquoted(arguments)), consumed: consumed)
        case .message, .headerMessage:
            return parseMessage(arguments, hasHeaders: keyword == .headerMessage, lineLength: consumed, input: input)
        }
    }

    /// `MSG <subject> <sid> [reply] <size>` or `HMSG <subject> <sid> [reply] <header_size> <total_size>`.
    private func parseMessage(
        _ arguments: UnsafeRawBufferPointer, hasHeaders: Bool, lineLength: Int,
        input: UnsafeRawBufferPointer
    ) -> ServerParseResult {
        var cursor = 0
        let operation = hasHeaders ? "HMSG" : "MSG"
        guard let subject = Self.nextField(arguments, &cursor), let sid = Self.nextField(arguments, &cursor),
            let third = Self.nextField(arguments, &cursor)
        else {
            return .failure(.malformedArguments("\(operation) needs a subject, a sid and a size"))
        }
        let fourth = Self.nextField(arguments, &cursor)
        let fifth = fourth == nil ? nil : Self.nextField(arguments, &cursor)
        if fifth != nil && (!hasHeaders || Self.nextField(arguments, &cursor) != nil) {
            return .failure(.malformedArguments("\(operation) has too many arguments"))
        }
        let reply: UnsafeRawBufferPointer
        let sizes: (header: UnsafeRawBufferPointer?, total: UnsafeRawBufferPointer)
        if hasHeaders {
            guard let fourth else { return .failure(.malformedArguments("HMSG needs a header size and a total size")) }
            if let fifth {
                reply = third
                sizes = (fourth, fifth)
            } else {
                reply = UnsafeRawBufferPointer(start: third.baseAddress, count: 0)
                sizes = (third, fourth)
            }
        } else if let fourth {
            reply = third
            sizes = (nil, fourth)
        } else {
            reply = UnsafeRawBufferPointer(start: third.baseAddress, count: 0)
            sizes = (nil, third)
        }
        guard let total = Decimal.parse(sizes.total) else {
            return .failure(.malformedArguments("\(operation) size is not a number"))
        }
        var headerSize = 0
        if let header = sizes.header {
            guard let parsed = Decimal.parse(header), parsed <= total else {
                return .failure(.malformedArguments("HMSG header size is not a number up to the total size"))
            }
            headerSize = parsed
        }
        if total > maxPayload { return .failure(.maximumPayloadViolation) }
        let frameEnd = lineLength + total + 2
        if input.count < frameEnd { return .needMore(minimumTotal: frameEnd) }
        let base = input.baseAddress!
        guard base.load(fromByteOffset: lineLength + total, as: UInt8.self) == Self.carriageReturn,
            base.load(fromByteOffset: lineLength + total + 1, as: UInt8.self) == Self.lineFeed
        else {
            return .failure(.unknownOperation)
        }
        let frame = MessageFrame(
            subject: subject, sid: sid, reply: reply,
            headers: UnsafeRawBufferPointer(start: base + lineLength, count: headerSize),
            payload: UnsafeRawBufferPointer(start: base + lineLength + headerSize, count: total - headerSize),
            hasHeaders: hasHeaders)
        return .operation(.message(frame), consumed: frameEnd)
    }

    // MARK: bytes

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
    static let quote = UInt8(ascii: "'")

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn
    }

    /// The next run of non-blank bytes at or after `cursor`, which moves past it; nil at the end.
    @inline(__always)
    static func nextField(_ text: UnsafeRawBufferPointer, _ cursor: inout Int) -> UnsafeRawBufferPointer? {
        let count = text.count
        while cursor < count && isBlank(text[cursor]) { cursor += 1 }
        guard cursor < count else { return nil }
        let start = cursor
        while cursor < count && !isBlank(text[cursor]) { cursor += 1 }
        return UnsafeRawBufferPointer(rebasing: text[start..<cursor])
    }

    /// `'text'` → `text`; text without surrounding single quotes is returned as is.
    static func unquoted(_ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard text.count >= 2, text[0] == quote, text[text.count - 1] == quote else { return text }
        return UnsafeRawBufferPointer(rebasing: text[1..<(text.count - 1)])
    }
}

extension ServerOpParser {
    /// The operation names a server may send.
    enum Keyword: Equatable {
        case message, headerMessage, ping, pong, info, ok, error

        /// Upper-case spelling.
        var spelling: StaticString {
            switch self {
            case .message: "MSG"
            case .headerMessage: "HMSG"
            case .ping: "PING"
            case .pong: "PONG"
            case .info: "INFO"
            case .ok: "+OK"
            case .error: "-ERR"
            }
        }

        var length: Int { spelling.utf8CodeUnitCount }

        /// Ops whose name must be followed by a space or tab before their arguments.
        var needsSeparator: Bool {
            switch self {
            case .message, .headerMessage, .info, .error: true
            case .ping, .pong, .ok: false
            }
        }

        /// The outcome of matching an op name against the start of the input.
        enum MatchResult { case found(Keyword), incomplete, unknown }

        /// Recognises the op name at `base`, case-insensitively, as far as the bytes go.
        static func match(_ base: UnsafeRawPointer, _ count: Int) -> MatchResult {
            let candidate: Keyword
            switch uppercase(base.load(as: UInt8.self)) {
            case UInt8(ascii: "M"): candidate = .message
            case UInt8(ascii: "H"): candidate = .headerMessage
            case UInt8(ascii: "I"): candidate = .info
            case UInt8(ascii: "+"): candidate = .ok
            case UInt8(ascii: "-"): candidate = .error
            case UInt8(ascii: "P"):
                guard count > 1 else { return .incomplete }
                switch uppercase(base.load(fromByteOffset: 1, as: UInt8.self)) {
                case UInt8(ascii: "I"): candidate = .ping
                case UInt8(ascii: "O"): candidate = .pong
                default: return .unknown
                }
            default: return .unknown
            }
            let letters = candidate.spelling.utf8Start
            for index in 1..<candidate.length {
                guard index < count else { return .incomplete }
                if uppercase(base.load(fromByteOffset: index, as: UInt8.self)) != letters[index] { return .unknown }
            }
            return .found(candidate)
        }

        @inline(__always) static func uppercase(_ byte: UInt8) -> UInt8 {
            byte >= 97 && byte <= 122 ? byte - 32 : byte
        }
    }
}
