/// The bytes the configuration syntax gives meaning to, and the classes the lexer tests.
enum ConfigByte {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#")
    static let slash = UInt8(ascii: "/")
    static let backslash = UInt8(ascii: "\\")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let colon = UInt8(ascii: ":")
    static let equals = UInt8(ascii: "=")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let dollar = UInt8(ascii: "$")
    static let minus = UInt8(ascii: "-")

    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == carriageReturn }

    /// Bytes that end a bare value: blanks, line breaks and `, ; ] }`.
    static func isValueEnd(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == newline || byte == comma || byte == semicolon || byte == closeBracket
            || byte == closeBrace
    }

    /// Bytes that end a bare key: those ending a value, the separators `: =`, openers and quotes.
    static func isKeyEnd(_ byte: UInt8) -> Bool {
        isValueEnd(byte) || byte == colon || byte == equals || byte == openBrace || byte == openBracket
            || byte == doubleQuote || byte == singleQuote
    }

    static func isPunctuation(_ byte: UInt8) -> Bool {
        byte == colon || byte == equals || byte == openBrace || byte == openBracket || byte == doubleQuote
            || byte == singleQuote
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
