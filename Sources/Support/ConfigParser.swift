/// Reads one configuration file into the blocks on its scope stack: members (`key: value`,
/// `key = value`, `key value`), blocks, arrays, `$variables` and `include` directives. An included
/// file gets a parser of its own that fills the same stack, so its keys land in the block that
/// holds the `include` and later `$references` see them.
struct ConfigParser {
    /// Deepest nesting of blocks and arrays, so hostile input cannot exhaust the stack.
    static let maximumNesting = 100
    /// Deepest chain of includes, which also stops a file that includes itself.
    static let maximumIncludeDepth = 10

    var lexer: ConfigLexer
    /// Blocks being filled, outermost (the file's top level) first.
    var scopes: [ConfigObject] = [ConfigObject()]
    let environment: [String: String]
    let includeLoader: ConfigFile.IncludeLoader
    var includeDepth = 0
    var nesting = 0
    /// False while reading an environment variable's value: `$` there is literal text.
    var resolvesVariables = true

    init(lexer: ConfigLexer, environment: [String: String], includeLoader: @escaping ConfigFile.IncludeLoader) {
        self.lexer = lexer
        self.environment = environment
        self.includeLoader = includeLoader
    }

    /// Reads the whole file into the innermost scope. A file holds bare members, `{ … }` wrapping
    /// members (so a JSON object reads too), or both.
    mutating func parseFile() throws(SupportError) {
        while true {
            skipBetweenMembers()
            guard let byte = lexer.peek() else { return }
            switch byte {
            case ConfigByte.openBrace:
                let opened = lexer.location
                lexer.advance()
                try enterNesting(at: opened)
                try parseMembers(closedBy: opened)
                nesting -= 1
            case ConfigByte.closeBrace: throw lexer.error("found '}' but no block is open")
            case ConfigByte.closeBracket: throw lexer.error("found ']' but no array is open")
            default: try parseMember(in: nil)
            }
        }
    }

    /// Reads members up to and including the `}` closing the block opened at `opened`.
    private mutating func parseMembers(closedBy opened: ConfigLocation) throws(SupportError) {
        while true {
            skipBetweenMembers()
            guard let byte = lexer.peek() else {
                throw lexer.unexpected("'}' to close the block opened at line \(opened.line)")
            }
            if byte == ConfigByte.closeBrace {
                lexer.advance()
                return
            }
            if byte == ConfigByte.closeBracket {
                throw lexer.unexpected("a key or '}' to close the block opened at line \(opened.line)")
            }
            try parseMember(in: opened)
        }
    }

    /// Blank lines, comments and stray `,` or `;` between members.
    private mutating func skipBetweenMembers() {
        while true {
            lexer.skipBlank(newlines: true)
            guard let byte = lexer.peek(), byte == ConfigByte.comma || byte == ConfigByte.semicolon else { return }
            lexer.advance()
        }
    }

    /// One `key: value` or `include file` in the innermost scope; `block` is where the enclosing
    /// `{` was, nil at the top level.
    private mutating func parseMember(in block: ConfigLocation?) throws(SupportError) {
        let keyLocation = lexer.location
        let key: String
        switch lexer.peek() {
        case ConfigByte.doubleQuote: key = try lexer.readDoubleQuoted()
        case ConfigByte.singleQuote: key = try lexer.readSingleQuoted()
        default:
            key = lexer.readWord(endingAt: ConfigByte.isKeyEnd)
            guard !key.isEmpty else { throw lexer.unexpected("a key") }
            if key == "include", let byte = lexer.peek(), ConfigByte.isBlank(byte) {
                lexer.skipBlank(newlines: false)
                if lexer.peek() != ConfigByte.colon && lexer.peek() != ConfigByte.equals {
                    try include()
                    try endMember(after: "include", in: block)
                    return
                }
            }
        }
        // A line break may come between a key and its value only when no `:` or `=` is written,
        // as in nats-server: `cluster` then `{` on the next line.
        lexer.skipBlank(newlines: true)
        if lexer.peek() == ConfigByte.colon || lexer.peek() == ConfigByte.equals {
            lexer.advance()
            lexer.skipBlank(newlines: false)
        }
        let keyPath = scopes[scopes.count - 1].keyPath(key)
        let (value, writtenAs) = try parseValue(keyPath: keyPath)
        scopes[scopes.count - 1].set(ConfigEntry(key: key, value: value, location: keyLocation, writtenAs: writtenAs))
        try endMember(after: "the value of \(keyPath)", in: block)
    }

    /// After a member: a line break, `,`, `;`, a comment, the block's `}` or the end of the file.
    private mutating func endMember(after what: String, in block: ConfigLocation?) throws(SupportError) {
        lexer.skipBlank(newlines: false)
        guard let byte = lexer.peek() else { return }
        switch byte {
        case ConfigByte.newline, ConfigByte.comma, ConfigByte.semicolon: lexer.advance()
        case ConfigByte.closeBrace where block != nil: return
        default:
            let ends = block == nil ? "a line break, ',' or ';'" : "a line break, ',', ';' or '}'"
            let isWord = !ConfigByte.isPunctuation(byte) && !ConfigByte.isValueEnd(byte)
            let hint = isWord ? " (put text with spaces in quotes)" : ""
            throw lexer.error("expected \(ends) after \(what), got \(lexer.describeNext())\(hint)")
        }
    }

    /// One value; `writtenAs` is the bare word when a size suffix made it an integer.
    mutating func parseValue(keyPath: String) throws(SupportError) -> (value: ConfigValue, writtenAs: String?) {
        guard let byte = lexer.peek() else { throw lexer.unexpected("a value for \(keyPath)") }
        switch byte {
        case ConfigByte.openBrace:
            let opened = lexer.location
            lexer.advance()
            try enterNesting(at: opened)
            scopes.append(ConfigObject(path: keyPath, location: opened))
            try parseMembers(closedBy: opened)
            nesting -= 1
            return (.object(scopes.removeLast()), nil)
        case ConfigByte.openBracket: return (try parseArray(keyPath: keyPath), nil)
        case ConfigByte.doubleQuote: return (.string(try lexer.readDoubleQuoted()), nil)
        case ConfigByte.singleQuote: return (.string(try lexer.readSingleQuoted()), nil)
        case _ where ConfigByte.isValueEnd(byte): throw lexer.unexpected("a value for \(keyPath)")
        default:
            let location = lexer.location
            let word = lexer.readWord(endingAt: ConfigByte.isValueEnd)
            switch ConfigWord(word) {
            case .value(let value, let writtenAs): return (value, writtenAs)
            case .invalid(let problem): throw lexer.error(problem, at: location)
            case .variable(let name):
                guard resolvesVariables else { return (.string(word), nil) }
                return try resolve(name, at: location)
            }
        }
    }

    /// `[a, b]`: elements separated by commas, line breaks or both; a trailing comma is fine.
    private mutating func parseArray(keyPath: String) throws(SupportError) -> ConfigValue {
        let opened = lexer.location
        lexer.advance()
        try enterNesting(at: opened)
        var elements: [ConfigValue] = []
        while true {
            lexer.skipBlank(newlines: true)
            guard let byte = lexer.peek() else {
                throw lexer.unexpected("']' to close the array opened at line \(opened.line)")
            }
            if byte == ConfigByte.closeBracket {
                lexer.advance()
                break
            }
            let elementPath = "\(keyPath)[\(elements.count)]"
            elements.append(try parseValue(keyPath: elementPath).value)
            lexer.skipBlank(newlines: false)
            switch lexer.peek() {
            case ConfigByte.comma, ConfigByte.newline: lexer.advance()
            case ConfigByte.closeBracket, nil: continue
            default: throw lexer.unexpected("',' or ']' after \(elementPath)")
            }
        }
        nesting -= 1
        return .array(elements)
    }

    /// Counts one more open block or array, the one opened at `opened`.
    private mutating func enterNesting(at opened: ConfigLocation) throws(SupportError) {
        nesting += 1
        guard nesting <= ConfigParser.maximumNesting else {
            throw lexer.error("blocks and arrays nest deeper than \(ConfigParser.maximumNesting) levels", at: opened)
        }
    }
}
