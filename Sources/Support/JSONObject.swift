/// A JSON object assembled in field order: `JSONObject().add("a", 1).text` is `{"a":1}`.
public struct JSONObject: Sendable {
    private var members: [String] = []

    public init() {}

    public mutating func add(_ key: String, _ value: String) { add(key, raw: JSONStringLiteral.quoted(value)) }
    public mutating func add(_ key: String, _ value: Bool) { add(key, raw: value ? "true" : "false") }
    public mutating func add(_ key: String, _ value: Int) { add(key, raw: String(value)) }

    /// A number with up to `digits` decimals, without trailing zeros (finite values only).
    public mutating func add(_ key: String, _ value: Double, digits: Int = 3) {
        members.append(JSONStringLiteral.quoted(key) + ":" + JSONObject.format(value, digits: digits))
    }

    /// A value that is already JSON text (an object or array).
    public mutating func add(_ key: String, raw json: String) {
        members.append(JSONStringLiteral.quoted(key) + ":" + json)
    }

    public var text: String { "{" + members.joined(separator: ",") + "}" }

    static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 9e15 { return String(Int(rounded)) }
        return String(rounded)
    }
}
