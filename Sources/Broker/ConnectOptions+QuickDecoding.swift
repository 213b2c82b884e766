import Support

/// CONNECT as clients write it (strings of printable ASCII without escapes, whole numbers, booleans
/// and nulls; nothing nested) read without `JSONDecoder`, which showed as 1 to 2% of the broker's CPU
/// per connection. Anything else (an escape, a nested value, a repeated key, a known key with a value
/// of another type) returns nil and the full decoder decides, so both accept and refuse the same
/// documents.
extension ConnectOptions {
    /// The document, or nil to let the full decoder read it.
    static func quickDocument(_ json: UnsafeRawBufferPointer) -> Document? {
        var scanner = PlainJSONScanner(bytes: json)
        var document = Document()
        var keys: [String] = []
        guard scanner.skip("{") else { return nil }
        if !scanner.skip("}") {
            repeat {
                guard let key = scanner.plainString(), !keys.contains(key), scanner.skip(":"),
                    read(key, into: &document, from: &scanner)
                else { return nil }
                keys.append(key)
            } while scanner.skip(",")
            guard scanner.skip("}") else { return nil }
        }
        return scanner.atEnd ? document : nil
    }

    /// Reads the value of `key` into its field (or skips a scalar value of a key CONNECT ignores);
    /// false when it is not of the plain shape or not of the field's type.
    private static func read(_ key: String, into document: inout Document, from scanner: inout PlainJSONScanner)
        -> Bool
    {
        if scanner.skipNull() { return true }  // An absent value, for any field.
        switch key {
        case "verbose": return assign(scanner.boolean(), to: &document.verbose)
        case "pedantic": return assign(scanner.boolean(), to: &document.pedantic)
        case "echo": return assign(scanner.boolean(), to: &document.echo)
        case "headers": return assign(scanner.boolean(), to: &document.headers)
        case "no_responders": return assign(scanner.boolean(), to: &document.no_responders)
        case "name": return assign(scanner.plainString(), to: &document.name)
        case "lang": return assign(scanner.plainString(), to: &document.lang)
        case "version": return assign(scanner.plainString(), to: &document.version)
        case "user": return assign(scanner.plainString(), to: &document.user)
        case "pass": return assign(scanner.plainString(), to: &document.pass)
        case "auth_token": return assign(scanner.plainString(), to: &document.auth_token)
        case "protocol": return assign(scanner.wholeNumber().map { Int($0) }, to: &document.protocol)
        default: return scanner.boolean() != nil || scanner.plainString() != nil || scanner.number() != nil
        }
    }

    /// Stores `value` when there is one; false when the value was not of the field's type.
    private static func assign<Value>(_ value: Value?, to field: inout Value?) -> Bool {
        guard let value else { return false }
        field = value
        return true
    }
}
