/// Decoding helpers for messages users write (jobs): unknown fields are errors, and number
/// errors name their field.
///
/// Foundation's JSON decoder reports a number that does not fit the field's type (`1.5` or
/// `1e20` for an integer) as "not valid JSON" with no path; `field(_:_:)` catches that inside
/// the container, where the key is known, and reports it against the field.
extension KeyedDecodingContainer {
    /// The field's value, nil when absent or `null`.
    func field<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Value? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: "number out of range or not a whole number", underlyingError: error))
        }
    }

    /// The field's value; a `keyNotFound` error ("required") when absent.
    func required<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Value {
        guard let value = try field(type, key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required"))
        }
        return value
    }
}

extension KeyedDecodingContainer where Key: CaseIterable {
    /// The error for a tagged object (`input`, `output`) whose `type` is none of `allowed`.
    func unknownType(_ type: String, kind: String, allowed: [String], typeKey: Key) -> DecodingError {
        DecodingError.dataCorrupted(
            .init(
                codingPath: codingPath + [typeKey],
                debugDescription:
                    "unknown \(kind) type \(TextRules.quoted(type)); allowed: \(allowed.joined(separator: ", "))"))
    }
}

extension Decoder {
    /// Fails on the first field (in sorted order) that `Keys` does not list. A misspelt field
    /// (`bitrat`) would otherwise be ignored and the job would run with different settings than
    /// its author meant.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        let unknown = container.allKeys.filter { !known.contains($0.stringValue) }
        if let first = unknown.min(by: { $0.stringValue < $1.stringValue }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [first], debugDescription: "unknown field"))
        }
    }
}

/// A coding key for any field name.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}
