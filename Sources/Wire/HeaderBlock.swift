import Net

/// A NATS message header block: `NATS/1.0[ status[ description]]\r\n`, then `Name: value\r\n`
/// lines, then an empty line.
///
/// Fields keep their order and the case of their names; one name may appear several times.
/// Lookups ignore ASCII case, as nats-py's do. A status line carries replies made by the server:
/// `503` (no responders), `404 No Messages`, `408 Request Timeout`, `409 …` for JetStream pulls.
public struct HeaderBlock: Sendable, Equatable {
    /// One `Name: value` line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The three-digit status after `NATS/1.0`, when there is one.
    public var status: Int?
    /// The text after the status (`No Messages`); empty when none.
    public var statusDescription: String
    /// Every field, in order.
    public private(set) var fields: [Field]

    /// The header of the server's no-responders reply: `NATS/1.0 503`.
    public static let noResponders = HeaderBlock(status: 503)

    public init(status: Int? = nil, description: String = "", fields: [Field] = []) {
        self.status = status
        self.statusDescription = description
        self.fields = fields
    }

    public var isEmpty: Bool { status == nil && fields.isEmpty }

    /// The first value of the field named `name` (ignoring case), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value of the field named `name` (ignoring case), in order.
    public func values(named name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Adds a field after the others, keeping fields of the same name.
    public mutating func append(name: String, value: String) throws(WireError) {
        try Self.validate(name: name, value: value)
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` (ignoring case) with one holding `value`.
    public mutating func set(name: String, value: String) throws(WireError) {
        try Self.validate(name: name, value: value)
        removeAll(named: name)
        fields.append(Field(name: name, value: value))
    }

    /// Adds a field written as `Name:value` or `Name: value`, as the `nats` CLI's `-H` takes it.
    public mutating func append(line: String) throws(WireError) {
        guard let colon = line.firstIndex(of: ":") else {
            throw WireError.malformedArguments("header \"\(line)\" is not Name:value")
        }
        let name = String(line[..<colon])
        let value = Self.trimmingBlanks(line[line.index(after: colon)...])
        try append(name: name, value: value)
    }

    public mutating func removeAll(named name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether `name` may be a header name: printable ASCII without spaces or `:`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    }

    /// Whether `value` may be a header value: no CR or LF.
    public static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 13 || $0 == 10 }
    }

    static func validate(name: String, value: String) throws(WireError) {
        guard isValidName(name) else { throw WireError.malformedArguments("invalid header name \"\(name)\"") }
        guard isValidValue(value) else {
            throw WireError.malformedArguments("header \(name) has a line break in its value")
        }
    }

    /// ASCII case-insensitive equality without allocating.
    static func namesMatch(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        return zip(left.utf8, right.utf8).allSatisfy { lowercase($0) == lowercase($1) }
    }

    @inline(__always) static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }
}

// MARK: - Reading and writing the bytes

extension HeaderBlock {
    static let versionLine: StaticString = "NATS/1.0"

    /// Parses a header block as carried by HMSG/HPUB (the final empty line may be missing).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> HeaderBlock {
        let lines = HeaderLines(bytes)
        var iterator = lines.makeIterator()
        guard let first = iterator.next() else { throw WireError.malformedArguments("empty header block") }
        var block = try parseStatusLine(first)
        while let line = iterator.next() {
            if line.isEmpty { break }
            if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
                // A folded line (obs-fold) continues the previous value: unfolded, the two join with one
                // space, and the value still has no outer blanks (ADR-4: the value excludes leading and
                // trailing whitespace once unfolded). A blank folded line adds nothing.
                guard !block.fields.isEmpty else { throw WireError.malformedArguments("header starts folded") }
                let more = Self.trimmingBlanks(String(decoding: line, as: UTF8.self))
                let value = block.fields[block.fields.count - 1].value
                if !more.isEmpty {
                    block.fields[block.fields.count - 1].value = value.isEmpty ? more : value + " " + more
                }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw WireError.malformedArguments("header line without a name and colon")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]), as: UTF8.self)
            block.fields.append(Field(name: Self.trimmingBlanks(name), value: Self.trimmingBlanks(value)))
        }
        return block
    }

    public static func parse(_ bytes: [UInt8]) throws(WireError) -> HeaderBlock {
        // withUnsafeBytes rethrows untyped errors; a Result carries the typed one through.
        try bytes.withUnsafeBytes { raw in Result { () throws(WireError) in try parse(raw) } }.get()
    }

    /// `NATS/1.0`, `NATS/1.0 503`, `NATS/1.0 404 No Messages`.
    private static func parseStatusLine(_ line: UnsafeRawBufferPointer) throws(WireError) -> HeaderBlock {
        let version = UnsafeRawBufferPointer(start: versionLine.utf8Start, count: versionLine.utf8CodeUnitCount)
        guard line.count >= version.count, line.prefix(version.count).elementsEqual(version) else {
            throw WireError.malformedArguments("header block does not start with NATS/1.0")
        }
        let rest = String(decoding: UnsafeRawBufferPointer(rebasing: line[version.count...]), as: UTF8.self)
        let trimmed = Self.trimmingBlanks(rest)
        if trimmed.isEmpty { return HeaderBlock() }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 3, let status = Int(digits) else {
            throw WireError.malformedArguments("header status \"\(trimmed)\" is not three digits")
        }
        return HeaderBlock(status: status, description: Self.trimmingBlanks(trimmed.dropFirst(3)))
    }

    /// The size of the encoded block, final empty line included: HPUB's header size.
    public var encodedCount: Int {
        var count = Self.versionLine.utf8CodeUnitCount + 2 + 2
        if status != nil {
            count += 4
            if !statusDescription.isEmpty { count += 1 + statusDescription.utf8.count }
        }
        for field in fields { count += field.name.utf8.count + 2 + field.value.utf8.count + 2 }
        return count
    }

    /// Appends the encoded block to `buffer`.
    public func encode(to buffer: ByteBuffer) {
        buffer.append(Self.versionLine)
        if let status {
            buffer.append(byte: UInt8(ascii: " "))
            let clamped = min(max(status, 0), 999)
            buffer.append(byte: UInt8(clamped / 100) + 48)
            buffer.append(byte: UInt8(clamped / 10 % 10) + 48)
            buffer.append(byte: UInt8(clamped % 10) + 48)
            if !statusDescription.isEmpty {
                buffer.append(byte: UInt8(ascii: " "))
                buffer.append(string: statusDescription)
            }
        }
        buffer.append("\r\n")
        for field in fields {
            buffer.append(string: field.name)
            buffer.append(": ")
            buffer.append(string: field.value)
            buffer.append("\r\n")
        }
        buffer.append("\r\n")
    }

    /// The encoded block as bytes.
    public func encoded() -> [UInt8] {
        let buffer = ByteBuffer(capacity: encodedCount)
        encode(to: buffer)
        return buffer.readableArray()
    }

    /// The text without leading and trailing spaces and tabs. Trimmed as bytes, not `Character`s: a
    /// blank followed by a combining mark is one `Character`, yet the blank is still a blank.
    static func trimmingBlanks(_ text: some StringProtocol) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let bytes = Substring(text).utf8
        guard let first = bytes.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isBlank($0) })!
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

/// The lines of a header block, split at LF with a trailing CR removed.
private struct HeaderLines: Sequence, IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> UnsafeRawBufferPointer? {
        guard position < bytes.count else { return nil }
        var end = position
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let next = end + 1
        if end > position && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
        position = next
        return line
    }
}
