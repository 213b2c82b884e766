/// One result row: values by column position or name.
public struct Row: Sendable, Equatable {
    public let columns: [String]
    public let values: [SQLiteValue]

    public subscript(index: Int) -> SQLiteValue { values[index] }

    public subscript(name: String) -> SQLiteValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }
}
