/// One option a command accepts: a flag (no value) or an option taking a value.
public struct OptionSpec: Sendable {
    /// Every spelling, short and long: `["-p", "--port"]`. The first long one names it in errors.
    public let names: [String]
    /// Placeholder shown in help (`PORT`); nil for a boolean flag.
    public let valueName: String?
    public let help: String
    /// Environment variable consulted when the option is absent from the command line.
    public let environment: String?
    /// Value used when neither the command line nor the environment gives one.
    public let defaultValue: String?

    public init(
        _ names: [String], value valueName: String? = nil, help: String, environment: String? = nil,
        default defaultValue: String? = nil
    ) {
        self.names = names
        self.valueName = valueName
        self.help = help
        self.environment = environment
        self.defaultValue = defaultValue
    }

    public var isFlag: Bool { valueName == nil }
    var displayName: String { names.first(where: { $0.hasPrefix("--") }) ?? names[0] }
}

/// A command's name, help and options; parses its arguments (`--opt value`, `--opt=value`, flags,
/// `--` to end options) and writes its `--help`.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: String
    public let usage: String
    public let options: [OptionSpec]
    public let discussion: String?

    public init(name: String, summary: String, usage: String, options: [OptionSpec], discussion: String? = nil) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.discussion = discussion
    }

    public var helpText: String {
        var text = "\(name): \(summary)\n\nUsage: \(usage)\n"
        if !options.isEmpty {
            text += "\nOptions:\n"
            let labels = options.map { option in
                option.names.joined(separator: ", ") + (option.valueName.map { " \($0)" } ?? "")
            }
            let width = min(34, (labels.map(\.count).max() ?? 0) + 2)
            for (option, label) in zip(options, labels) {
                var line = "  " + label
                if line.count < width + 2 {
                    line += String(repeating: " ", count: width + 2 - line.count)
                } else {
                    line += "\n" + String(repeating: " ", count: width + 2)
                }
                line += option.help
                var notes: [String] = []
                if let environment = option.environment { notes.append("env \(environment)") }
                if let value = option.defaultValue { notes.append("default \(value)") }
                if !notes.isEmpty { line += " [\(notes.joined(separator: ", "))]" }
                text += line + "\n"
            }
            text += "  -h, --help" + String(repeating: " ", count: max(1, width - 10)) + "Show this help\n"
        }
        if let discussion { text += "\n" + discussion + "\n" }
        return text
    }

    /// Parses `arguments` (without the command name). Unknown options and missing values throw an
    /// error whose message names the option.
    public func parse(_ arguments: [String], environment: [String: String] = [:]) throws(SupportError)
        -> ParsedArguments
    {
        var parsed = ParsedArguments(spec: self, environment: environment)
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            if argument == "-h" || argument == "--help" { parsed.helpRequested = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.names.contains(name) }) else {
                throw SupportError("unknown option \(name) for \(self.name) (see \(self.name) --help)")
            }
            if option.isFlag {
                if let inlineValue {
                    guard let value = ParsedArguments.boolean(inlineValue) else {
                        throw SupportError("\(name) takes true or false, not \"\(inlineValue)\"")
                    }
                    parsed.values[option.names[0], default: []].append(value ? "true" : "false")
                } else {
                    parsed.values[option.names[0], default: []].append("true")
                }
                continue
            }
            if let inlineValue {
                parsed.values[option.names[0], default: []].append(inlineValue)
            } else {
                guard index < arguments.count else {
                    throw SupportError("\(name) needs a value (\(option.valueName ?? "VALUE"))")
                }
                parsed.values[option.names[0], default: []].append(arguments[index])
                index += 1
            }
        }
        return parsed
    }
}

/// What `CommandSpec.parse` found: option values by name (command line, then environment, then
/// default) and positional arguments.
public struct ParsedArguments: Sendable {
    let spec: CommandSpec
    let environment: [String: String]
    var values: [String: [String]] = [:]
    public var positionals: [String] = []
    public var helpRequested = false

    init(spec: CommandSpec, environment: [String: String]) {
        self.spec = spec
        self.environment = environment
    }

    private func option(_ name: String) -> OptionSpec {
        guard let option = spec.options.first(where: { $0.names.contains(name) }) else {
            preconditionFailure("\(spec.name) declares no option \(name)")
        }
        return option
    }

    /// True when the option was given on the command line (not from environment or default).
    public func isGiven(_ name: String) -> Bool { values[option(name).names[0]] != nil }

    /// The last value given, else the environment's, else the default.
    public func string(_ name: String) -> String? {
        let option = option(name)
        if let given = values[option.names[0]]?.last { return given }
        if let variable = option.environment, let value = environment[variable], !value.isEmpty { return value }
        return option.defaultValue
    }

    /// Every value given for a repeatable option, in order.
    public func strings(_ name: String) -> [String] { values[option(name).names[0]] ?? [] }

    public func flag(_ name: String) -> Bool {
        guard let value = string(name) else { return false }
        return ParsedArguments.boolean(value) ?? false
    }

    public func int(_ name: String) throws(SupportError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else {
            throw SupportError("\(option(name).displayName) takes a whole number, not \"\(text)\"")
        }
        return value
    }

    public func byteSize(_ name: String) throws(SupportError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Units.byteSize(text) else {
            throw SupportError("\(option(name).displayName) takes a size like 1048576, 64KB or 1MB, not \"\(text)\"")
        }
        return value
    }

    public func durationNanoseconds(_ name: String) throws(SupportError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Units.durationNanoseconds(text) else {
            throw SupportError("\(option(name).displayName) takes a duration like 500ms, 2s or 2m, not \"\(text)\"")
        }
        return value
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }
}
