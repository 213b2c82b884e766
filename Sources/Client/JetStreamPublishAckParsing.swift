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
    /// (any order, spaces allowed) written plainly; nil for anything else, including errors and escapes.
    private static func quickParse(_ payload: UnsafeRawBufferPointer) -> PublishAck? {
        var scanner = PlainJSONScanner(bytes: payload)
        var stream: String?
        var sequence: UInt64?
        var duplicate = false
        guard scanner.skip("{") else { return nil }
        repeat {
            guard let key = scanner.plainString(), scanner.skip(":") else { return nil }
            switch key {
            case "stream": stream = scanner.plainString()
            case "seq": sequence = scanner.wholeNumber().flatMap { $0 >= 0 ? UInt64($0) : nil }
            case "duplicate": guard let flag = scanner.boolean() else { return nil }; duplicate = flag
            default: return nil
            }
        } while scanner.skip(",")
        guard scanner.skip("}"), scanner.atEnd, let stream, let sequence else { return nil }
        return PublishAck(stream: stream, sequence: sequence, duplicate: duplicate)
    }
}
