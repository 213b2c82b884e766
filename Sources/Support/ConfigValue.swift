/// One value from a configuration file. Sizes written with a suffix (`1MB`) are already integers
/// (bytes); durations stay strings until `ConfigObject.durationNanoseconds` reads them.
public enum ConfigValue: Equatable, Sendable {
    /// Quoted text, or a bare word that is not a number, boolean or variable.
    case string(String)
    /// A whole number, or a size such as `64KB` converted to bytes.
    case integer(Int)
    /// A number with a fraction or an exponent: `1.5`, `2e3`.
    case double(Double)
    /// `true`, `yes`, `on` or `false`, `no`, `off`, in any case.
    case bool(Bool)
    /// `[a, b]`: elements in file order.
    case array([ConfigValue])
    /// `{ key: value }`: a block of settings.
    case object(ConfigObject)

    /// What kind of value this is, for error messages: `a string`, `a block`.
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "a whole number"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .object: "a block"
        }
    }
}

extension ConfigValue: CustomStringConvertible {
    /// The value as JSON, which the configuration parser reads back to an equal value.
    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    func write(to text: inout String) {
        switch self {
        case .string(let string): ConfigValue.writeQuoted(string, to: &text)
        case .integer(let integer): text += String(integer)
        case .double(let double): text += double.description
        case .bool(let bool): text += bool ? "true" : "false"
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += ", " }
                element.write(to: &text)
            }
            text += "]"
        case .object(let object): object.write(to: &text)
        }
    }

    /// Writes `string` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func writeQuoted(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    /// The value as an error message shows it after `got`: scalars in full (long text cut), arrays
    /// and blocks by kind.
    var shortDescription: String {
        switch self {
        case .array, .object: return kindName
        case .string(let string) where string.count > 60:
            var text = ""
            ConfigValue.writeQuoted(String(string.prefix(57)) + "...", to: &text)
            return text
        default: return description
        }
    }
}
