import FoundationEssentials

/// JSON for every message: compact, keys sorted (stable bytes for tests and de-duplication),
/// slashes unescaped. Encoding a non-finite number fails instead of writing `NaN`, which is not
/// JSON; the calculators return nil rather than produce one.
public enum MessageCoding {
    /// The message as JSON bytes.
    public static func encode<Message: Encodable>(_ message: Message) throws(MessageCodingError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(message))
        } catch let EncodingError.invalidValue(value, context) {
            throw MessageCodingError(
                field: MessageCodingError.path(context.codingPath), reason: "cannot be written as JSON: \(value)")
        } catch {
            throw MessageCodingError(field: "", reason: "cannot be written as JSON: \(error)")
        }
    }

    /// Decodes a message; the error names the field at fault (empty for the message as a whole).
    public static func decode<Message: Decodable>(
        _ type: Message.Type, from bytes: [UInt8]
    ) throws(MessageCodingError) -> Message {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw MessageCodingError(error)
        } catch {
            throw MessageCodingError(field: "", reason: "not valid JSON")
        }
    }
}

/// Why a message could not be encoded or decoded. `field` is the JSON path
/// (`input.pattern`, `quality[0]`), empty when the message as a whole is at fault.
public struct MessageCodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// Turns the decoder's error into a field and a sentence a user can act on.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), reason: "required")
        case .valueNotFound(_, let context):
            self.init(field: Self.path(context.codingPath), reason: "must not be null")
        case .typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), reason: "expected \(Self.describe(type))")
        case .dataCorrupted(let context):
            let field = Self.path(context.codingPath)
            // Foundation's text for a syntax error; ours are already sentences.
            let reason =
                context.debugDescription.hasPrefix("The given data was not valid JSON")
                ? "not valid JSON" : context.debugDescription
            self.init(field: field, reason: reason)
        @unknown default:
            self.init(field: "", reason: "not a valid message")
        }
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }

    /// `limits.timeout_s`, `quality[1]`.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
