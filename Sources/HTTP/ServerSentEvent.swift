/// The `text/event-stream` wire format (pure): one event is optional `id:` and `event:` lines, one
/// `data:` line per line of data, then an empty line.
enum ServerSentEvent {
    static func encode(event: String?, data: String, id: String?) -> [UInt8] {
        var text = ""
        if let id { text += "id: " + singleLine(id) + "\n" }
        if let event { text += "event: " + singleLine(event) + "\n" }
        var lineStart = data.startIndex
        var index = data.startIndex
        // Any of CRLF, CR and LF ends a data line, as the EventSource parser reads them.
        while index < data.endIndex {
            let character = data[index]
            if character == "\n" || character == "\r" || character == "\r\n" {
                text += "data: " + data[lineStart..<index] + "\n"
                index = data.index(after: index)
                lineStart = index
            } else {
                index = data.index(after: index)
            }
        }
        text += "data: " + data[lineStart...] + "\n\n"
        return Array(text.utf8)
    }

    /// A comment line, ignored by clients: keeps proxies and dead-peer detection busy.
    static func comment(_ text: String) -> [UInt8] { Array((":" + singleLine(text) + "\n\n").utf8) }

    /// A field value cannot hold line breaks: they would start a new field.
    private static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
