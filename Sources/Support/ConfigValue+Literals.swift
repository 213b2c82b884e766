/// Literal syntax for building configuration values in code and tests:
/// `let value: ConfigValue = ["a", 1, true]`.
extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        var object = ConfigObject()
        for (key, value) in elements { object.set(key, to: value) }
        self = .object(object)
    }
}

/// Literal syntax for a block, keys in the order written: `let block: ConfigObject = ["port": 4222]`.
extension ConfigObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self.init()
        for (key, value) in elements { set(key, to: value) }
    }
}
