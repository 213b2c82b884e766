/// Rows in aligned columns under a header, two spaces apart; numbers right-aligned. Empty cells
/// show as `-`. Widths count characters (grapheme clusters), which is right for the ASCII we print.
public struct TextTable: Sendable {
    /// A column's title and how its cells line up.
    public struct Column: Sendable {
        public var title: String
        public var alignRight: Bool
        /// Cells longer than this are cut with `…`; nil: never cut.
        public var maximumWidth: Int?

        public init(_ title: String, alignRight: Bool = false, maximumWidth: Int? = nil) {
            self.title = title
            self.alignRight = alignRight
            self.maximumWidth = maximumWidth
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row (missing cells are empty; extra cells are dropped).
    public mutating func add(_ cells: [String]) {
        var row = Array(cells.prefix(columns.count))
        row += Array(repeating: "", count: columns.count - row.count)
        rows.append(row)
    }

    /// The table, one line per row after the header, each ending in a newline; no trailing spaces.
    public var text: String {
        let cut = rows.map { row in
            zip(columns, row).map { column, cell in Self.cut(cell.isEmpty ? "-" : cell, column.maximumWidth) }
        }
        var widths = columns.map(\.title.count)
        for row in cut {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = line(columns.map(\.title), widths)
        for row in cut { text += line(row, widths) }
        return text
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            parts.append(columns[index].alignRight ? padding + cell : cell + padding)
        }
        var line = parts.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line + "\n"
    }

    private static func cut(_ cell: String, _ limit: Int?) -> String {
        let flat = cell.contains(where: \.isNewline) ? String(cell.map { $0.isNewline ? " " : $0 }) : cell
        guard let limit, flat.count > limit, limit > 1 else { return flat }
        return String(flat.prefix(limit - 1)) + "…"
    }
}
