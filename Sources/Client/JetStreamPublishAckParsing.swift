import Support

extension PublishAck {
    /// Reads a stream's answer to a publish: the ack, or the error it carries. The usual answer,
    /// `{"stream":"JOBS","seq":7}` (maybe with `"duplicate":true`), is read by a quick scan; anything
    /// else goes through the JSON reader.
    static func parse(_ payload: UnsafeRawBufferPointer) -> Result<PublishAck, JetStreamError> {
        if let quick = quickParse(payload) { return .success(quick) }
        guard let value = JSONValue.parse(payload) else {
            let text = String(decoding: payload.prefix(200), as: UTF8.self)
            return .failure(.malformedResponse("publish ack expected, got \(text.isEmpty ? "an empty reply" : text)"))
        }
        if let error = value["error"] {
            return .failure(
                .server(
                    code: error["code"]?.int ?? 0, errCode: error["err_code"]?.int ?? 0,
                    description: error["description"]?.string ?? ""))
        }
        guard let stream = value["stream"]?.string, let sequence = value["seq"]?.int, sequence >= 0 else {
            let text = String(decoding: payload.prefix(200), as: UTF8.self)
            return .failure(.malformedResponse("publish ack without stream and seq: \(text)"))
        }
        let duplicate = value["duplicate"]?.bool ?? false
        return .success(
            PublishAck(
                stream: stream, sequence: UInt64(sequence), duplicate: duplicate,
                domain: value["domain"]?.string))
    }

    /// The ack when `payload` is a flat object of exactly `stream`, `seq` and optionally `duplicate`
    /// (any order, spaces allowed); nil for anything else, including errors and escapes.
    private static func quickParse(_ payload: UnsafeRawBufferPointer) -> PublishAck? {
        var scanner = AckScanner(bytes: payload)
        var stream: String?
        var sequence: UInt64?
        var duplicate = false
        guard scanner.skip("{") else { return nil }
        repeat {
            guard let key = scanner.plainString(), scanner.skip(":") else { return nil }
            switch key {
            case "stream": stream = scanner.plainString()
            case "seq": sequence = scanner.number()
            case "duplicate": guard let flag = scanner.boolean() else { return nil }; duplicate = flag
            default: return nil
            }
        } while scanner.skip(",")
        guard scanner.skip("}"), scanner.atEnd, let stream, let sequence else { return nil }
        return PublishAck(stream: stream, sequence: sequence, duplicate: duplicate)
    }
}

/// A forward-only reader for the flat JSON of a publish ack.
private struct AckScanner {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var atEnd: Bool {
        mutating get {
            skipBlanks()
            return position == bytes.count
        }
    }

    mutating func skipBlanks() {
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D
                || bytes[position] == 0x09
        { position += 1 }
    }

    /// Skips blanks and `character`; false when something else is next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        skipBlanks()
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// A string without escapes.
    mutating func plainString() -> String? {
        guard skip("\"") else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
            position += 1
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)]), as: UTF8.self)
    }

    /// A non-negative whole number up to `Int64.max` (callers show a sequence as `Int`); nil for a
    /// larger one, which the JSON reader then refuses.
    mutating func number() -> UInt64? {
        skipBlanks()
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9"),
            position - start < 19
        {
            value = value * 10 + UInt64(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return position > start && value <= UInt64(Int64.max) ? value : nil
    }

    mutating func boolean() -> Bool? {
        skipBlanks()
        for (word, value) in [("true", true), ("false", false)] where bytes[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return value
        }
        return nil
    }
}
