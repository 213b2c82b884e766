/// A cursor over one configuration file's bytes. It skips blanks and comments, reads quoted strings
/// and bare words, and tracks the line and column it stands at, for entries and error messages.
/// Which characters end a bare word depends on whether a key or a value is read, so the parser
/// asks for each piece rather than taking a token stream.
struct ConfigLexer {
    let fileName: String
    private let bytes: [UInt8]
    private(set) var offset = 0
    private(set) var line = 1
    private(set) var column = 1

    init(text: String, fileName: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte order mark
        self.bytes = bytes
        self.fileName = fileName
    }

    var location: ConfigLocation { ConfigLocation(fileName: fileName, line: line, column: column) }
    var isAtEnd: Bool { offset >= bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == ConfigByte.newline {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {  // continuation bytes belong to the previous character
            column += 1
        }
    }

    func error(_ message: String, at location: ConfigLocation? = nil) -> SupportError {
        SupportError("\((location ?? self.location).description): \(message)")
    }

    /// `expected X, got Y` at the current position, Y naming what is there.
    func unexpected(_ expected: String) -> SupportError {
        error("expected \(expected), got \(describeNext())")
    }

    /// Skips spaces, tabs, carriage returns and `#` or `//` comments; line breaks too when
    /// `newlines` is true. A comment ends at the line break, which stays unread otherwise.
    mutating func skipBlank(newlines: Bool) {
        while let byte = peek() {
            switch byte {
            case ConfigByte.space, ConfigByte.tab, ConfigByte.carriageReturn: advance()
            case ConfigByte.newline where newlines: advance()
            case ConfigByte.hash: skipComment()
            case ConfigByte.slash where peek(1) == ConfigByte.slash: skipComment()
            default: return
            }
        }
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != ConfigByte.newline { advance() }
    }

    /// Reads a bare word up to (not including) the first byte for which `ends` is true.
    mutating func readWord(endingAt ends: (UInt8) -> Bool) -> String {
        let start = offset
        while let byte = peek(), !ends(byte) { advance() }
        // The text came from a String and words end at ASCII bytes, so the slice is valid UTF-8.
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// Reads `'…'`: raw text, no escapes, may span lines.
    mutating func readSingleQuoted() throws(SupportError) -> String {
        let start = location
        advance()
        let first = offset
        while let byte = peek(), byte != ConfigByte.singleQuote { advance() }
        guard !isAtEnd else { throw error("unterminated string: no closing ' for the one here", at: start) }
        let text = String(decoding: bytes[first..<offset], as: UTF8.self)
        advance()
        return text
    }

    /// Reads `"…"` with escapes `\" \\ \/ \n \t \r \b \f \xHH \uXXXX` (a surrogate pair for
    /// characters past U+FFFF, as JSON writes them); may span lines, as in nats-server.
    mutating func readDoubleQuoted() throws(SupportError) -> String {
        let start = location
        advance()
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw error("unterminated string: no closing \" for the one here", at: start)
            }
            advance()
            if byte == ConfigByte.doubleQuote { break }
            if byte == ConfigByte.backslash {
                try readEscape(into: &text)
            } else {
                text.append(byte)
            }
        }
        // \xHH escapes can produce any byte, so this one can fail.
        guard let string = String(validating: text, as: UTF8.self) else {
            throw error("string is not valid UTF-8 once its \\x escapes are applied", at: start)
        }
        return string
    }

    private mutating func readEscape(into text: inout [UInt8]) throws(SupportError) {
        let escapeLocation = ConfigLocation(fileName: fileName, line: line, column: column - 1)
        guard let letter = peek() else { return }  // the caller reports the unterminated string
        advance()
        switch letter {
        case ConfigByte.doubleQuote, ConfigByte.backslash, ConfigByte.slash: text.append(letter)
        case UInt8(ascii: "n"): text.append(ConfigByte.newline)
        case UInt8(ascii: "t"): text.append(ConfigByte.tab)
        case UInt8(ascii: "r"): text.append(ConfigByte.carriageReturn)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "x"):
            guard let value = readHex(digits: 2) else {
                throw error("expected two hex digits after \\x", at: escapeLocation)
            }
            text.append(UInt8(value))
        case UInt8(ascii: "u"):
            let scalar = try readUnicodeEscape(at: escapeLocation)
            UTF8.encode(scalar) { text.append($0) }
        default:
            let shown = letter < 0x80 ? String(UnicodeScalar(letter)) : "a non-ASCII character"
            throw error(
                "unknown escape \\\(shown) (known: \\\" \\\\ \\/ \\n \\t \\r \\b \\f \\xHH \\uXXXX)",
                at: escapeLocation)
        }
    }

    /// After `\u`: four hex digits, and for a high surrogate a second `\uXXXX` with the low one.
    private mutating func readUnicodeEscape(at escapeLocation: ConfigLocation) throws(SupportError) -> Unicode.Scalar {
        guard let high = readHex(digits: 4) else {
            throw error("expected four hex digits after \\u", at: escapeLocation)
        }
        var value = high
        if (0xD800...0xDBFF).contains(high) {
            guard peek() == ConfigByte.backslash, peek(1) == UInt8(ascii: "u") else {
                throw error("\\u escape is half of a surrogate pair; the low half must follow", at: escapeLocation)
            }
            advance()
            advance()
            guard let low = readHex(digits: 4), (0xDC00...0xDFFF).contains(low) else {
                throw error("expected \\uDC00 to \\uDFFF to end the surrogate pair", at: escapeLocation)
            }
            value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("\\u escape names no character (a lone surrogate?)", at: escapeLocation)
        }
        return scalar
    }

    private mutating func readHex(digits: Int) -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = peek(), let digit = ConfigByte.hexValue(byte) else { return nil }
            advance()
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// What stands at the current position, for `got …` in errors.
    func describeNext() -> String {
        guard let byte = peek() else { return "end of file" }
        switch byte {
        case ConfigByte.newline: return "end of line"
        case ConfigByte.carriageReturn: return "end of line"
        case _ where ConfigByte.isValueEnd(byte) || ConfigByte.isPunctuation(byte): return "'\(UnicodeScalar(byte))'"
        default:
            var end = offset
            while end < bytes.count, end - offset < 40, !ConfigByte.isValueEnd(bytes[end]) { end += 1 }
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }  // finish the character
            return "'" + String(decoding: bytes[offset..<end], as: UTF8.self) + "'"
        }
    }
}
