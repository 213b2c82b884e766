/// Where a key or a syntax error sits in a configuration file: the file's name and a 1-based line
/// and column (columns count characters, not bytes).
public struct ConfigLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let fileName: String
    public let line: Int
    public let column: Int

    public init(fileName: String, line: Int, column: Int) {
        self.fileName = fileName
        self.line = line
        self.column = column
    }

    /// `broker.conf:12:5`, the form compilers use, so editors can jump to it.
    public var description: String { "\(fileName):\(line):\(column)" }
}
