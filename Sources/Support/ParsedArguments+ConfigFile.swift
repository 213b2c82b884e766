/// Settings from a configuration file whose keys are a command's long option names
/// (`max-concurrent-jobs: 2`, `server: "tls://broker:4222"`): the file sits below the command
/// line and the environment, above the defaults.
extension ParsedArguments {
    /// Fills every option neither the command line nor the environment set from `file`.
    /// An unknown key or a block where a value belongs fails, naming the file, line and key.
    public func addingSettings(from file: ConfigObject) throws(SupportError) -> ParsedArguments {
        var merged = self
        for entry in file.entries {
            let place = entry.location.map { "\($0): " } ?? ""
            guard let option = spec.options.first(where: { $0.names.contains("--" + entry.key) }) else {
                throw SupportError("\(place)unknown setting \"\(entry.key)\" (settings are the long option names)")
            }
            let fromEnvironment = option.environment.map { environment[$0]?.isEmpty == false } ?? false
            guard values[option.names[0]] == nil, !fromEnvironment else { continue }
            if let written = entry.writtenAs {
                merged.values[option.names[0]] = [written]
            } else {
                merged.values[option.names[0]] = try Self.texts(of: entry.value, place: place, key: entry.key)
            }
        }
        return merged
    }

    private static func texts(of value: ConfigValue, place: String, key: String) throws(SupportError) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .integer(let number): return [String(number)]
        case .double(let number): return [String(number)]
        case .bool(let flag): return [flag ? "true" : "false"]
        case .array(let elements):
            var texts: [String] = []
            for element in elements { texts += try Self.texts(of: element, place: place, key: key) }
            return texts
        case .object: throw SupportError("\(place)\(key) takes a value, not a block")
        }
    }
}
