/// Comma-separated values (RFC 4180): a field holding a comma, a quote, a line break, or a leading or
/// trailing space is quoted, its quotes doubled. Lines end in `\n`.
public enum CSV {
    /// One record.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// A header and the records.
    public static func text(header: [String], rows: [[String]]) -> String {
        line(header) + rows.map(line).joined()
    }

    static func field(_ value: String) -> String {
        let needsQuotes =
            value.contains { $0 == "," || $0 == "\"" || $0.isNewline } || value.hasPrefix(" ") || value.hasSuffix(" ")
        guard needsQuotes else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }
}
