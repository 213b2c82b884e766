/// The two ways a file reaches outside itself: `$name` references and `include` directives.
extension ConfigParser {
    /// `$name`: the nearest key of that name in the blocks being read, innermost first, else the
    /// environment variable (its text read as a value, so `4222` is a number), else an error.
    mutating func resolve(_ name: String, at location: ConfigLocation) throws(SupportError)
        -> (value: ConfigValue, writtenAs: String?)
    {
        guard !name.isEmpty else { throw lexer.error("expected a variable name after $", at: location) }
        for index in scopes.indices.reversed() {
            if let entry = scopes[index].entry(name) {
                scopes[index].markReferenced(name)
                return (entry.value, entry.writtenAs)
            }
        }
        if let text = environment[name] { return (ConfigParser.environmentValue(text, name: name), nil) }
        throw lexer.error("$\(name) is neither a key set before it nor an environment variable", at: location)
    }

    /// An environment variable's text as a value when it reads as exactly one (`4222`, `[a, b]`,
    /// `true`), else as plain text. `$` inside it is literal, so variables cannot recurse.
    static func environmentValue(_ text: String, name: String) -> ConfigValue {
        var parser = ConfigParser(
            lexer: ConfigLexer(text: text, fileName: "$" + name), environment: [:],
            includeLoader: { path throws(SupportError) in throw SupportError("no includes in a variable") })
        parser.resolvesVariables = false
        parser.lexer.skipBlank(newlines: true)
        guard let (value, _) = try? parser.parseValue(keyPath: name) else { return .string(text) }
        parser.lexer.skipBlank(newlines: true)
        return parser.lexer.isAtEnd ? value : .string(text)
    }

    /// `include path` (quoted or bare, relative to the including file): the file's members join
    /// the innermost block.
    mutating func include() throws(SupportError) {
        let pathLocation = lexer.location
        let path: String
        switch lexer.peek() {
        case ConfigByte.doubleQuote: path = try lexer.readDoubleQuoted()
        case ConfigByte.singleQuote: path = try lexer.readSingleQuoted()
        default:
            path = lexer.readWord(endingAt: ConfigByte.isValueEnd)
            guard !path.isEmpty else { throw lexer.unexpected("a file name after include") }
        }
        guard includeDepth < ConfigParser.maximumIncludeDepth else {
            throw lexer.error(
                "includes nest deeper than \(ConfigParser.maximumIncludeDepth) files (does a file include itself?)",
                at: pathLocation)
        }
        let resolved = ConfigFile.resolve(path, relativeTo: lexer.fileName)
        let text: String
        do {
            text = try includeLoader(resolved)
        } catch {
            throw lexer.error("include \(path): \(error.message)", at: pathLocation)
        }
        var child = ConfigParser(
            lexer: ConfigLexer(text: text, fileName: resolved), environment: environment, includeLoader: includeLoader)
        child.includeDepth = includeDepth + 1
        child.nesting = nesting
        child.resolvesVariables = resolvesVariables
        // Hand the stack over rather than copy it; an error abandons the whole parse anyway.
        child.scopes = scopes
        scopes = []
        try child.parseFile()
        scopes = child.scopes
    }
}
