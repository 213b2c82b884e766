/// Turns a request target into a decoded, normalised path and query items (pure).
///
/// Accepted: origin form (`/path?query`) and absolute form (`http://host/path?query`, the
/// authority ignored). Refused with a reason: anything else (`*`, relative paths), a fragment,
/// bad percent-encoding, NUL or other control characters in the path, an encoded slash (it would
/// make path segments ambiguous), text that is not UTF-8, and `..` that climbs above the root.
/// Dot segments are resolved and repeated or trailing slashes dropped: `/a//b/./c/../` is `/a/b`.
enum HTTPTarget {
    static func decode(_ target: String) throws(HTTPRequestError) -> (path: String, query: [HTTPQueryItem]) {
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            guard let afterScheme = Self.droppingScheme(rest) else { throw .invalidTarget("not a path") }
            rest = afterScheme.firstIndex { $0 == "/" || $0 == "?" }.map { afterScheme[$0...] } ?? ""
        }
        if rest.contains("#") { throw .invalidTarget("fragment") }
        let rawPath: Substring
        var rawQuery: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            rawPath = rest[..<mark]
            rawQuery = rest[rest.index(after: mark)...]
        } else {
            rawPath = rest
        }
        return (try normalizedPath(rawPath), try queryItems(rawQuery))
    }

    /// What follows `http://` or `https://` (any case), or nil.
    private static func droppingScheme(_ target: Substring) -> Substring? {
        for scheme in ["http://", "https://"] where target.count > scheme.count {
            let prefix = target.prefix(scheme.count)
            if HTTPHeaders.namesMatch(prefix, scheme) { return target.dropFirst(scheme.count) }
        }
        return nil
    }

    static func normalizedPath(_ raw: Substring) throws(HTTPRequestError) -> String {
        var segments: [String] = []
        for rawSegment in raw.split(separator: "/", omittingEmptySubsequences: true) {
            let bytes = try percentDecoded(rawSegment, plusIsSpace: false)
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw .invalidTarget("control character in path") }
            if bytes.contains(UInt8(ascii: "/")) { throw .invalidTarget("encoded slash in path") }
            let segment = try text(bytes)
            switch segment {
            case ".": continue
            case "..":
                if segments.isEmpty { throw .invalidTarget("path climbs above the root") }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    static func queryItems(_ raw: Substring) throws(HTTPRequestError) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=")
            let name = try percentDecoded(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
            let value = try equals.map { mark throws(HTTPRequestError) in
                try percentDecoded(pair[pair.index(after: mark)...], plusIsSpace: true)
            }
            if name.contains(0) || value?.contains(0) == true { throw .invalidTarget("NUL in query") }
            items.append(HTTPQueryItem(name: try text(name), value: try text(value ?? [])))
        }
        return items
    }

    /// `%XX` to the byte it names; a `%` without two hex digits after it is refused.
    static func percentDecoded(_ raw: Substring, plusIsSpace: Bool) throws(HTTPRequestError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .invalidTarget("bad percent-encoding")
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace: bytes.append(0x20)
            default: bytes.append(byte)
            }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private static func text(_ bytes: [UInt8]) throws(HTTPRequestError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidTarget("not UTF-8") }
        return text
    }
}
