import Net
#if canImport(Glibc)
    import Glibc
#endif

/// Parses client→server operations (CONNECT, PUB, HPUB, SUB, UNSUB, PING, PONG) from the start of
/// a contiguous buffer, without allocating.
///
/// The caller keeps unconsumed input contiguous (a frame split across reads stays at the front of
/// its buffer until the rest arrives), so the parser itself holds no state between calls: input
/// split at any byte gives `.needMore`, and the same op once whole. Behaviour follows nats-server
/// 2.15: op names are case-insensitive; arguments are separated by runs of spaces or tabs; a payload
/// not followed by CRLF is an unknown operation; anything after `PING`/`PONG` up to LF is ignored.
public struct ClientOpParser: Sendable {
    /// Longest argument part of a control line (after the op name and its one separator, extra
    /// whitespace included), as nats-server's max_control_line.
    public var maxControlLine: Int
    /// Largest PUB/HPUB size accepted.
    public var maxPayload: Int

    public init(maxControlLine: Int = 4096, maxPayload: Int = 1 << 20) {
        self.maxControlLine = maxControlLine
        self.maxPayload = maxPayload
    }

    /// Parses one op from the start of `input`.
    public func parse(_ input: UnsafeRawBufferPointer) -> ClientParseResult {
        guard let base = input.baseAddress, input.count > 0 else { return .needMore(minimumTotal: 0) }
        let count = input.count
        let keyword: OpKeyword
        switch OpKeyword.match(base, count) {
        case .found(let found): keyword = found
        case .incomplete: return .needMore(minimumTotal: 0)
        case .unknown: return .failure(.unknownOperation)
        }
        var position = keyword.spelling.utf8CodeUnitCount
        if keyword.needsSeparator {
            guard position < count else { return .needMore(minimumTotal: 0) }
            let separator = base.load(fromByteOffset: position, as: UInt8.self)
            guard separator == ASCII.space || separator == ASCII.tab else { return .failure(.unknownOperation) }
        }
        // Whitespace beyond the one separator counts against the limit: otherwise a client could
        // send endless spaces after `PUB ` that the connection would have to keep (nats-server skips
        // them in its state machine; this parser keeps the unparsed line contiguous instead).
        let separatorEnd = keyword.needsSeparator ? position + 1 : position
        while position < count {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            guard byte == ASCII.space || byte == ASCII.tab else { break }
            position += 1
            if position - separatorEnd > maxControlLine { return .failure(.maximumControlLineExceeded) }
        }
        let argumentStart = position
        let countedStart = min(separatorEnd, argumentStart)
        guard let newline = memchr(base + argumentStart, Int32(ASCII.lineFeed), count - argumentStart) else {
            var pendingArguments = count - argumentStart
            // A trailing CR is the start of the line end, not part of the arguments.
            if pendingArguments > 0 && base.load(fromByteOffset: count - 1, as: UInt8.self) == ASCII.carriageReturn {
                pendingArguments -= 1
            }
            if pendingArguments + (argumentStart - countedStart) > maxControlLine {
                return .failure(.maximumControlLineExceeded)
            }
            return .needMore(minimumTotal: 0)
        }
        let lineEnd = UnsafeRawPointer(newline) - base
        var argumentEnd = lineEnd
        if argumentEnd > argumentStart
            && base.load(fromByteOffset: argumentEnd - 1, as: UInt8.self) == ASCII.carriageReturn
        {
            argumentEnd -= 1
        }
        if argumentEnd - countedStart > maxControlLine { return .failure(.maximumControlLineExceeded) }
        let arguments = UnsafeRawBufferPointer(start: base + argumentStart, count: argumentEnd - argumentStart)
        let afterLine = lineEnd + 1

        switch keyword {
        case .ping: return .operation(.ping, consumed: afterLine)
        case .pong: return .operation(.pong, consumed: afterLine)
        case .ok, .info: return .operation(.ignored, consumed: afterLine)
        case .error: return .operation(.error(text: arguments), consumed: afterLine)
        case .connect: return .operation(.connect(json: arguments), consumed: afterLine)
        case .subscribe: return parseSubscribe(arguments, consumed: afterLine)
        case .unsubscribe: return parseUnsubscribe(arguments, consumed: afterLine)
        case .publish, .headerPublish:
            return parsePublish(arguments, hasHeaders: keyword == .headerPublish, input: input, payloadStart: afterLine)
        }
    }

    private func parsePublish(
        _ arguments: UnsafeRawBufferPointer, hasHeaders: Bool, input: UnsafeRawBufferPointer, payloadStart: Int
    ) -> ClientParseResult {
        var fields = ArgumentFields()
        guard fields.split(arguments) else { return .failure(.malformedArguments("too many arguments")) }
        let subject: UnsafeRawBufferPointer
        var reply = UnsafeRawBufferPointer(start: nil, count: 0)
        var headerLength = 0
        let totalLength: Int
        if hasHeaders {
            guard fields.count == 3 || fields.count == 4 else { return .failure(.malformedArguments("HPUB arguments")) }
            subject = fields[0]
            if fields.count == 4 { reply = fields[1] }
            guard let header = Decimal.parse(fields[fields.count - 2]),
                let total = Decimal.parse(fields[fields.count - 1])
            else {
                return .failure(.malformedArguments("bad or missing size"))
            }
            if total > maxPayload { return .failure(.maximumPayloadViolation) }
            guard header <= total else { return .failure(.malformedArguments("header size above total size")) }
            headerLength = header
            totalLength = total
        } else {
            guard fields.count == 2 || fields.count == 3 else { return .failure(.malformedArguments("PUB arguments")) }
            subject = fields[0]
            if fields.count == 3 { reply = fields[1] }
            guard let size = Decimal.parse(fields[fields.count - 1]) else {
                return .failure(.malformedArguments("bad or missing size"))
            }
            if size > maxPayload { return .failure(.maximumPayloadViolation) }
            totalLength = size
        }
        let payloadEnd = payloadStart + totalLength
        let frameEnd = payloadEnd + 2
        let available = input.count
        if available > payloadEnd && input[payloadEnd] != ASCII.carriageReturn { return .failure(.unknownOperation) }
        guard available >= frameEnd else { return .needMore(minimumTotal: frameEnd) }
        guard input[payloadEnd + 1] == ASCII.lineFeed else { return .failure(.unknownOperation) }
        let message = UnsafeRawBufferPointer(rebasing: input[payloadStart..<payloadEnd])
        let frame = PublishFrame(
            subject: subject, reply: reply, headerLength: headerLength, message: message, hasHeaders: hasHeaders)
        return .operation(.publish(frame), consumed: frameEnd)
    }

    private func parseSubscribe(_ arguments: UnsafeRawBufferPointer, consumed: Int) -> ClientParseResult {
        var fields = ArgumentFields()
        guard fields.split(arguments), fields.count == 2 || fields.count == 3 else {
            return .failure(.malformedArguments("SUB arguments"))
        }
        let queue = fields.count == 3 ? fields[1] : nil
        return .operation(
            .subscribe(subject: fields[0], queue: queue, sid: fields[fields.count - 1]), consumed: consumed)
    }

    private func parseUnsubscribe(_ arguments: UnsafeRawBufferPointer, consumed: Int) -> ClientParseResult {
        var fields = ArgumentFields()
        guard fields.split(arguments), fields.count == 1 || fields.count == 2 else {
            return .failure(.malformedArguments("UNSUB arguments"))
        }
        var maximum: Int?
        if fields.count == 2 {
            guard let value = Decimal.parse(fields[1]) else { return .failure(.malformedArguments("UNSUB max")) }
            maximum = value
        }
        return .operation(.unsubscribe(sid: fields[0], max: maximum), consumed: consumed)
    }
}

/// Up to four whitespace-separated fields of a control line, as views; no allocation.
struct ArgumentFields {
    private var starts: (Int, Int, Int, Int) = (0, 0, 0, 0)
    private var ends: (Int, Int, Int, Int) = (0, 0, 0, 0)
    private var base: UnsafeRawPointer?
    private(set) var count = 0

    /// Splits on runs of spaces and tabs; false when there are more than four fields.
    mutating func split(_ text: UnsafeRawBufferPointer) -> Bool {
        base = text.baseAddress
        count = 0
        var index = 0
        let length = text.count
        while index < length {
            while index < length && (text[index] == ASCII.space || text[index] == ASCII.tab) { index += 1 }
            guard index < length else { break }
            let start = index
            while index < length && text[index] != ASCII.space && text[index] != ASCII.tab { index += 1 }
            guard count < 4 else { return false }
            set(count, start, index)
            count += 1
        }
        return true
    }

    private mutating func set(_ slot: Int, _ start: Int, _ end: Int) {
        switch slot {
        case 0: starts.0 = start; ends.0 = end
        case 1: starts.1 = start; ends.1 = end
        case 2: starts.2 = start; ends.2 = end
        default: starts.3 = start; ends.3 = end
        }
    }

    subscript(slot: Int) -> UnsafeRawBufferPointer {
        let (start, end): (Int, Int)
        switch slot {
        case 0: (start, end) = (starts.0, ends.0)
        case 1: (start, end) = (starts.1, ends.1)
        case 2: (start, end) = (starts.2, ends.2)
        default: (start, end) = (starts.3, ends.3)
        }
        return UnsafeRawBufferPointer(start: base.map { $0 + start }, count: end - start)
    }
}

/// The operation names a client may send.
enum OpKeyword: Equatable {
    case publish, headerPublish, subscribe, unsubscribe, connect, ping, pong, info, ok, error

    var spelling: StaticString {
        switch self {
        case .publish: "PUB"
        case .headerPublish: "HPUB"
        case .subscribe: "SUB"
        case .unsubscribe: "UNSUB"
        case .connect: "CONNECT"
        case .ping: "PING"
        case .pong: "PONG"
        case .info: "INFO"
        case .ok: "+OK"
        case .error: "-ERR"
        }
    }

    /// Ops whose name must be followed by a space or tab (nats-server's `OP_PUB` → `OP_PUB_SPC`).
    var needsSeparator: Bool {
        switch self {
        case .publish, .headerPublish, .subscribe, .unsubscribe, .error: true
        default: false
        }
    }

    enum MatchResult { case found(OpKeyword), incomplete, unknown }

    /// Recognises the op name at `base`, case-insensitively, as far as the bytes go.
    static func match(_ base: UnsafeRawPointer, _ count: Int) -> MatchResult {
        let first = ASCII.uppercase(base.load(as: UInt8.self))
        var candidate: OpKeyword
        switch first {
        case UInt8(ascii: "P"):
            guard count > 1 else { return .incomplete }
            switch ASCII.uppercase(base.load(fromByteOffset: 1, as: UInt8.self)) {
            case UInt8(ascii: "U"): candidate = .publish
            case UInt8(ascii: "I"): candidate = .ping
            case UInt8(ascii: "O"): candidate = .pong
            default: return .unknown
            }
        case UInt8(ascii: "H"): candidate = .headerPublish
        case UInt8(ascii: "S"): candidate = .subscribe
        case UInt8(ascii: "U"): candidate = .unsubscribe
        case UInt8(ascii: "C"): candidate = .connect
        case UInt8(ascii: "I"): candidate = .info
        case UInt8(ascii: "+"): candidate = .ok
        case UInt8(ascii: "-"): candidate = .error
        default: return .unknown
        }
        let spelling = candidate.spelling
        let length = spelling.utf8CodeUnitCount
        let letters = spelling.utf8Start
        var index = 1
        while index < length {
            guard index < count else { return .incomplete }
            if ASCII.uppercase(base.load(fromByteOffset: index, as: UInt8.self)) != letters[index] { return .unknown }
            index += 1
        }
        return .found(candidate)
    }
}

/// Byte constants and helpers for the ASCII protocol text.
public enum ASCII {
    public static let space = UInt8(ascii: " ")
    public static let tab = UInt8(ascii: "\t")
    public static let carriageReturn = UInt8(ascii: "\r")
    public static let lineFeed = UInt8(ascii: "\n")

    @inline(__always) public static func uppercase(_ byte: UInt8) -> UInt8 {
        byte >= 97 && byte <= 122 ? byte - 32 : byte
    }
}
