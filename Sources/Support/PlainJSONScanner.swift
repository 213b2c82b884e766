/// A forward-only reader for JSON written the plain way: strings of printable ASCII without
/// escapes, numbers in JSON's own grammar. Quick decoders use it for messages in the shape their
/// writers produce and hand anything else (an escape, a non-ASCII byte, an unusual number) to a
/// full JSON decoder, which then accepts it or says what is wrong: every method returns nil (or
/// false) rather than guess.
public struct PlainJSONScanner {
    let bytes: UnsafeRawBufferPointer
    public private(set) var position = 0

    public init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// True when only blanks are left.
    public var atEnd: Bool {
        mutating get {
            skipBlanks()
            return position == bytes.count
        }
    }

    mutating func skipBlanks() {
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09
        { position += 1 }
    }

    /// Skips blanks and `character`; false when something else is next.
    public mutating func skip(_ character: Unicode.Scalar) -> Bool {
        skipBlanks()
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// Skips blanks and `null`; false when something else is next.
    public mutating func skipNull() -> Bool {
        skipBlanks()
        guard bytes[position...].starts(with: "null".utf8) else { return false }
        position += 4
        return true
    }

    /// A string of printable ASCII (0x20…0x7E) without escapes.
    public mutating func plainString() -> String? {
        guard skip("\"") else { return nil }
        let start = position
        while position < bytes.count, bytes[position] >= 0x20, bytes[position] < 0x7F,
            bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\")
        { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)]), as: UTF8.self)
    }

    /// An integer in JSON's grammar (`-?(0|[1-9][0-9]*)`, no fraction or exponent) that fits an
    /// `Int64`.
    public mutating func wholeNumber() -> Int64? {
        skipBlanks()
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        var index = negative ? position + 1 : position
        let digitsStart = index
        var magnitude: UInt64 = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            let (times10, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflowed, !overflowedAgain else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - digitsStart
        guard digits > 0, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            return nil
        }
        let value: Int64
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            value = Int64(magnitude)
        }
        position = index
        return value
    }

    /// A finite number in JSON's grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    public mutating func number() -> Double? {
        skipBlanks()
        let start = position
        var index = position
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        index = skipDigits(from: index)
        guard index > integerStart, index - integerStart == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
            return nil
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let fractionStart = index + 1
            index = skipDigits(from: fractionStart)
            guard index > fractionStart else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponentStart = index
            index = skipDigits(from: exponentStart)
            guard index > exponentStart else { return nil }
        }
        guard index - start <= 64 else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        position = index
        return value
    }

    /// `true` or `false`.
    public mutating func boolean() -> Bool? {
        skipBlanks()
        for (word, value) in [("true", true), ("false", false)] where bytes[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return value
        }
        return nil
    }

    private func skipDigits(from start: Int) -> Int {
        var index = start
        while index < bytes.count, Self.digit(bytes[index]) != nil { index += 1 }
        return index
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }
}
