/// A quick scan of raw JSON before it is decoded, for messages users write. It refuses what
/// the decoder would accept but should not: nesting deeper than a limit (a stack-depth attack),
/// duplicate field names (parsers disagree on which one wins, so the agent and the master could
/// read different jobs), field names written with escapes (which would let a duplicate hide),
/// and non-finite numbers. It is not a full JSON parser: grammar errors are left to the
/// decoder. Errors carry the path of the offending field.
public enum JSONShape {
    /// Throws the first problem found.
    public static func check(_ bytes: [UInt8], maximumDepth: Int) throws(JSONShapeError) {
        var scanner = Scanner(bytes: bytes, maximumDepth: maximumDepth)
        try scanner.run()
    }

    private enum Frame {
        case object(keys: Set<[UInt8]>, current: String?, expectingKey: Bool)
        case array(index: Int)
    }

    private struct Scanner {
        let bytes: [UInt8]
        let maximumDepth: Int
        var position = 0
        var stack: [Frame] = []

        init(bytes: [UInt8], maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        mutating func run() throws(JSONShapeError) {
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard stack.count < maximumDepth else {
                        throw failure("nested deeper than \(maximumDepth) levels")
                    }
                    stack.append(
                        byte == UInt8(ascii: "{")
                            ? .object(keys: [], current: nil, expectingKey: true) : .array(index: 0))
                    position += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard stack.popLast() != nil else { throw failure("not valid JSON") }
                    position += 1
                case UInt8(ascii: ","):
                    nextElement()
                    position += 1
                case UInt8(ascii: "\""):
                    try string()
                case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    position += 1
                default:
                    try scalar()
                }
            }
        }

        private mutating func nextElement() {
            switch stack.last {
            case .object(let keys, _, _): stack[stack.count - 1] = .object(keys: keys, current: nil, expectingKey: true)
            case .array(let index): stack[stack.count - 1] = .array(index: index + 1)
            case nil: break
            }
        }

        /// A string: a field name when an object expects one, else a value.
        private mutating func string() throws(JSONShapeError) {
            let start = position + 1
            var end = start
            var escaped = false
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") {
                    escaped = true
                    end += 1
                }
                end += 1
            }
            position = end + 1
            guard case .object(var keys, _, true) = stack.last else { return }
            let name = Array(bytes[start..<min(end, bytes.count)])
            let isNew = keys.insert(name).inserted
            stack[stack.count - 1] = .object(
                keys: keys, current: String(decoding: name, as: UTF8.self), expectingKey: false)
            if escaped { throw failure("field names may not contain escapes") }
            if !isNew { throw failure("duplicate field") }
        }

        /// A number or a literal; refuses non-finite numbers and words JSON does not have (`NaN`).
        private mutating func scalar() throws(JSONShapeError) {
            let start = position
            while position < bytes.count, !Self.isDelimiter(bytes[position]) { position += 1 }
            let token = String(decoding: bytes[start..<position], as: UTF8.self)
            if token == "true" || token == "false" || token == "null" { return }
            guard let first = token.utf8.first, first == UInt8(ascii: "-") || Identifier.isDigit(first) else {
                throw failure("\(TextRules.quoted(token)) is not a JSON value")
            }
            if let number = Double(token), !number.isFinite {
                throw failure("number \(TextRules.quoted(token)) is out of range")
            }
        }

        private static func isDelimiter(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: " "),
                UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "{"),
                UInt8(ascii: "["):
                true
            default: false
            }
        }

        private func failure(_ reason: String) -> JSONShapeError {
            JSONShapeError(path: path, reason: reason)
        }

        /// `input.pattern`, `labels`, `quality[1]`: where the scanner is.
        private var path: String {
            var text = ""
            for frame in stack {
                switch frame {
                case .object(_, let current?, _): text += text.isEmpty ? current : ".\(current)"
                case .object: break
                case .array(let index): text += "[\(index)]"
                }
            }
            return text
        }
    }
}

/// A problem `JSONShape` found: where (`path`, empty for the message as a whole) and what.
public struct JSONShapeError: Error, Sendable, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
