import SQLite
import Support

/// Builds API JSON: `Support.JSONObject` plus SQLite values and optional fields (null when nil).
struct JSONWriter {
    private var object = JSONObject()

    mutating func add(_ key: String, _ value: String?) {
        if let value { object.add(key, value) } else { object.add(key, raw: "null") }
    }

    mutating func add(_ key: String, _ value: Int?) {
        if let value { object.add(key, value) } else { object.add(key, raw: "null") }
    }

    mutating func add(_ key: String, _ value: Int64?) {
        if let value { object.add(key, raw: String(value)) } else { object.add(key, raw: "null") }
    }

    mutating func add(_ key: String, _ value: Double?, digits: Int = 3) {
        if let value, value.isFinite { object.add(key, value, digits: digits) } else { object.add(key, raw: "null") }
    }

    mutating func add(_ key: String, _ value: Bool) { object.add(key, value) }

    mutating func add(_ key: String, raw json: String) { object.add(key, raw: json) }

    /// A column as JSON: integers as integers, reals in full (tiny costs stay visible), text quoted.
    mutating func add(_ key: String, _ value: SQLiteValue) {
        switch value {
        case .null, .blob: object.add(key, raw: "null")
        case .integer(let number): object.add(key, raw: String(number))
        case .real(let number): object.add(key, raw: number.isFinite ? String(number) : "null")
        case .text(let text): object.add(key, text)
        }
    }

    /// Every column of `row` under its name.
    mutating func add(_ row: Row) {
        for (index, column) in row.columns.enumerated() { add(column, row.values[index]) }
    }

    var text: String { object.text }

    /// `[a,b,…]` from JSON texts.
    static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    static func row(_ row: Row) -> String {
        var writer = JSONWriter()
        writer.add(row)
        return writer.text
    }
}
