/// The JSON log format: one object per line, `{"ts":…,"level":…,"comp":…,"msg":…, fields…}`, for
/// log shippers (Loki, Elasticsearch, journald's JSON export) that would otherwise parse logfmt.
extension Logger {
    /// Builds one JSON line (with trailing newline). Integers, finite numbers and booleans stay
    /// JSON numbers and booleans; every other value is written as a string.
    public static func formatJSONLine(
        timestamp: String, level: LogLevel, component: String, message: String, fields: KeyValuePairs<String, Any>
    ) -> String {
        var line = "{\"ts\":" + jsonString(timestamp) + ",\"level\":" + jsonString(level.description)
        line += ",\"comp\":" + jsonString(component) + ",\"msg\":" + jsonString(message)
        for (key, value) in fields {
            line += "," + jsonString(key) + ":" + jsonValue(value)
        }
        line += "}\n"
        return line
    }

    static func jsonValue(_ value: Any) -> String {
        switch value {
        case let value as Bool: value ? "true" : "false"
        case let value as Int: String(value)
        case let value as Int64: String(value)
        case let value as Int32: String(value)
        case let value as UInt64: String(value)
        case let value as UInt32: String(value)
        case let value as UInt: String(value)
        case let value as Double where value.isFinite: String(value)
        default: jsonString(String(describing: value))
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    public static func jsonString(_ text: String) -> String { JSONStringLiteral.quoted(text) }
}
