/// Typed reads of settings. Each returns nil when the key is absent and throws when it holds the
/// wrong kind of value, naming file, line and key path: `broker.conf:12: max_payload: expected a
/// size like 1MB, got "abc"`.
extension ConfigObject {
    /// An error about `key` in the same form the typed accessors use, for checks they cannot make
    /// (`port: must be between 1 and 65535, got 70000`).
    public func invalid(_ key: String, _ problem: String) -> SupportError {
        invalid(key, element: nil, problem)
    }

    /// The same for one element of an array: `routes[2]: expected a string, got 5`.
    public func invalid(_ key: String, element: Int?, _ problem: String) -> SupportError {
        let location = entry(key)?.location ?? self.location
        let prefix = location.map { "\($0.fileName):\($0.line): " } ?? ""
        let elementSuffix = element.map { "[\($0)]" } ?? ""
        return SupportError("\(prefix)\(keyPath(key))\(elementSuffix): \(problem)")
    }

    private func mismatch(_ entry: ConfigEntry, expected: String, hint: String = "") -> SupportError {
        invalid(entry.key, "expected \(expected), got \(entry.shownValue)\(hint)")
    }

    public func string(_ key: String) throws(SupportError) -> String? {
        guard let entry = entry(key) else { return nil }
        switch entry.value {
        case .string(let string): return string
        case .integer, .double, .bool:
            throw mismatch(entry, expected: "a string", hint: " (put it in quotes to use it as text)")
        case .array, .object: throw mismatch(entry, expected: "a string")
        }
    }

    public func int(_ key: String) throws(SupportError) -> Int? {
        guard let entry = entry(key) else { return nil }
        guard case .integer(let integer) = entry.value else { throw mismatch(entry, expected: "a whole number") }
        return integer
    }

    /// A number with or without a fraction.
    public func double(_ key: String) throws(SupportError) -> Double? {
        guard let entry = entry(key) else { return nil }
        switch entry.value {
        case .double(let double): return double
        case .integer(let integer): return Double(integer)
        default: throw mismatch(entry, expected: "a number")
        }
    }

    public func bool(_ key: String) throws(SupportError) -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .bool(let bool) = entry.value else { throw mismatch(entry, expected: "true or false") }
        return bool
    }

    /// Bytes: an integer (`1048576`, or `1MB` already converted) or a string read by `Units.byteSize`.
    public func byteSize(_ key: String) throws(SupportError) -> Int? {
        guard let entry = entry(key) else { return nil }
        let expected = "a size like 1MB, 64KB or 1048576"
        switch entry.value {
        case .integer(let integer) where integer >= 0: return integer
        case .string(let string):
            guard let size = Units.byteSize(string) else { throw mismatch(entry, expected: expected) }
            return size
        default: throw mismatch(entry, expected: expected)
        }
    }

    /// Nanoseconds: a string read by `Units.durationNanoseconds` (`"2m"`, `"500ms"`) or a number of
    /// seconds. A bare `2m` means two minutes here, although the lexer made it the size 2000000
    /// (nats-server rejects a bare `2m` for its duration settings; quoting it suits both).
    public func durationNanoseconds(_ key: String) throws(SupportError) -> Int64? {
        guard let entry = entry(key) else { return nil }
        let expected = "a duration like \"2s\", \"500ms\" or \"2m\", or a number of seconds"
        let nanoseconds: Int64?
        switch entry.value {
        case .integer(let seconds):
            if let writtenAs = entry.writtenAs {
                nanoseconds = Units.durationNanoseconds(writtenAs)
            } else if seconds >= 0 {
                let (product, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
                nanoseconds = overflow ? nil : product
            } else {
                nanoseconds = nil
            }
        case .double(let seconds):
            let scaled = seconds * 1e9
            // 2^63 itself does not fit, hence `<`.
            nanoseconds = scaled >= 0 && scaled < 9_223_372_036_854_775_808.0 ? Int64(scaled) : nil
        case .string(let string): nanoseconds = Units.durationNanoseconds(string)
        default: nanoseconds = nil
        }
        guard let nanoseconds else { throw mismatch(entry, expected: expected) }
        return nanoseconds
    }

    /// A nested block `key { … }`.
    public func object(_ key: String) throws(SupportError) -> ConfigObject? {
        guard let entry = entry(key) else { return nil }
        guard case .object(let object) = entry.value else { throw mismatch(entry, expected: "a block { ... }") }
        return object
    }

    public func array(_ key: String) throws(SupportError) -> [ConfigValue]? {
        guard let entry = entry(key) else { return nil }
        guard case .array(let elements) = entry.value else { throw mismatch(entry, expected: "an array [ ... ]") }
        return elements
    }

    /// An array of strings; a single string counts as an array of one.
    public func strings(_ key: String) throws(SupportError) -> [String]? {
        guard let entry = entry(key) else { return nil }
        switch entry.value {
        case .string(let string): return [string]
        case .array(let elements):
            var strings: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let string) = element else {
                    throw invalid(key, element: index, "expected a string, got \(element.shortDescription)")
                }
                strings.append(string)
            }
            return strings
        default: throw mismatch(entry, expected: "an array of strings")
        }
    }
}
