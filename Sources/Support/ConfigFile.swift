#if canImport(Glibc)
    import Glibc
#endif

/// Configuration files in nats-server's format, so `ffrtmp broker -c broker.conf` reads what
/// `nats-server -c` reads: `key: value`, `key = value` or `key value`; `#` and `//` comments;
/// blocks, arrays, quoted and bare strings, sizes like `1MB`, booleans, `include` and `$variables`.
/// JSON is accepted too. Extensions over nats-server: `\u` escapes and exponents (for JSON).
public enum ConfigFile {
    /// Returns the text of the file at a path already resolved against the including file.
    public typealias IncludeLoader = (_ path: String) throws(SupportError) -> String

    /// Parses `text`; errors read `fileName:line:column: expected …, got …`. `$name` falls back to
    /// `environment`; `include` reads files through `includeLoader` (the disk by default).
    public static func parse(
        _ text: String, fileName: String = "<config>", environment: [String: String] = [:],
        includeLoader: @escaping IncludeLoader = ConfigFile.readText
    ) throws(SupportError) -> ConfigObject {
        var parser = ConfigParser(
            lexer: ConfigLexer(text: text, fileName: fileName), environment: environment, includeLoader: includeLoader)
        try parser.parseFile()
        return parser.scopes[0]
    }

    /// Reads and parses the file at `path`; `$name` falls back to `environment`, by default the
    /// process's.
    public static func load(
        path: String, environment: [String: String] = ConfigFile.processEnvironment()
    ) throws(SupportError) -> ConfigObject {
        try parse(try readText(path), fileName: path, environment: environment)
    }

    /// `path` as written when absolute, else relative to the directory of `fileName`.
    static func resolve(_ path: String, relativeTo fileName: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = fileName.lastIndex(of: "/") else { return path }
        return String(fileName[...slash]) + path
    }

    /// The process's environment variables.
    public static func processEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return variables
    }
}
