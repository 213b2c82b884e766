/// A JSON Schema (draft 2020-12) subset validator, enough for `protocol/schemas/*.json`:
/// type, required, properties, additionalProperties, propertyNames, min/maxProperties, enum,
/// const, minimum/maximum, minLength/maxLength, pattern, items, min/maxItems, uniqueItems,
/// oneOf/anyOf/allOf/not, if/then/else, and `$ref` to `#/$defs/…`. A keyword it does not know
/// is itself an error, so a schema cannot rely on something this validator silently skips.
struct SchemaValidator {
    let root: JSONValue

    private static let annotations: Set<String> = [
        "$schema", "$id", "$defs", "title", "description", "$comment", "default", "examples",
    ]
    private static let keywords: Set<String> = [
        "$ref", "type", "required", "properties", "additionalProperties", "propertyNames", "minProperties",
        "maxProperties", "enum", "const", "minimum", "maximum", "minLength", "maxLength", "pattern", "items",
        "minItems",
        "maxItems", "uniqueItems", "oneOf", "anyOf", "allOf", "not", "if", "then", "else",
    ]

    /// Every violation, as `path: what`; empty when `instance` conforms.
    func errors(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, root, "$", &errors)
        return errors
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ errors: inout [String]) {
        guard case .object(let keywords) = schema else {
            if schema == .bool(false) { errors.append("\(path): nothing is allowed here") }
            return
        }
        for key in keywords.keys where !Self.annotations.contains(key) && !Self.keywords.contains(key) {
            errors.append("\(path): schema uses unsupported keyword \(key)")
        }
        if case .string(let reference)? = keywords["$ref"] { check(value, resolve(reference), path, &errors) }
        checkType(value, keywords, path, &errors)
        if case .array(let options)? = keywords["enum"], !options.contains(value) {
            errors.append("\(path): not one of the allowed values")
        }
        if let constant = keywords["const"], constant != value { errors.append("\(path): must be \(constant)") }
        switch value {
        case .number(let number): checkNumber(number, keywords, path, &errors)
        case .string(let text): checkString(text, keywords, path, &errors)
        case .array(let items): checkArray(items, keywords, path, &errors)
        case .object(let members): checkObject(members, keywords, path, &errors)
        default: break
        }
        checkCombinations(value, keywords, path, &errors)
    }

    private func checkType(
        _ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String]
    ) {
        let names: [String]
        switch keywords["type"] {
        case .string(let name)?: names = [name]
        case .array(let list)?: names = list.compactMap { if case .string(let name) = $0 { name } else { nil } }
        default: return
        }
        if !names.contains(where: { Self.hasType(value, $0) }) {
            errors.append("\(path): expected \(names.joined(separator: " or "))")
        }
    }

    private static func hasType(_ value: JSONValue, _ name: String) -> Bool {
        switch (value, name) {
        case (.null, "null"), (.bool, "boolean"), (.number, "number"), (.string, "string"), (.array, "array"),
            (.object, "object"):
            true
        case (.number(let number), "integer"): number == number.rounded(.towardZero)
        default: false
        }
    }

    private func checkNumber(
        _ number: Double, _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String]
    ) {
        if case .number(let minimum)? = keywords["minimum"], number < minimum {
            errors.append("\(path): \(number) is below \(minimum)")
        }
        if case .number(let maximum)? = keywords["maximum"], number > maximum {
            errors.append("\(path): \(number) is above \(maximum)")
        }
    }

    private func checkString(_ text: String, _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String])
    {
        let length = Double(text.unicodeScalars.count)
        if case .number(let minimum)? = keywords["minLength"], length < minimum {
            errors.append("\(path): shorter than \(minimum)")
        }
        if case .number(let maximum)? = keywords["maxLength"], length > maximum {
            errors.append("\(path): longer than \(maximum)")
        }
        if case .string(let pattern)? = keywords["pattern"] {
            do {
                if try Regex(pattern).firstMatch(in: text) == nil {
                    errors.append("\(path): does not match \(pattern)")
                }
            } catch {
                errors.append("\(path): schema pattern \(pattern) does not compile: \(error)")
            }
        }
    }

    private func checkArray(
        _ items: [JSONValue], _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String]
    ) {
        if let schema = keywords["items"] {
            for (index, item) in items.enumerated() { check(item, schema, "\(path)[\(index)]", &errors) }
        }
        if case .number(let minimum)? = keywords["minItems"], Double(items.count) < minimum {
            errors.append("\(path): fewer than \(minimum) items")
        }
        if case .number(let maximum)? = keywords["maxItems"], Double(items.count) > maximum {
            errors.append("\(path): more than \(maximum) items")
        }
        if keywords["uniqueItems"] == .bool(true) {
            for (index, item) in items.enumerated() where items[..<index].contains(item) {
                errors.append("\(path)[\(index)]: duplicate item")
            }
        }
    }

    private func checkObject(
        _ members: [String: JSONValue], _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String]
    ) {
        if case .array(let required)? = keywords["required"] {
            for case .string(let name) in required where members[name] == nil {
                errors.append("\(path): missing \(name)")
            }
        }
        var properties: [String: JSONValue] = [:]
        if case .object(let declared)? = keywords["properties"] { properties = declared }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                check(member, schema, "\(path).\(name)", &errors)
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    errors.append("\(path): unexpected property \(name)")
                } else {
                    check(member, additional, "\(path).\(name)", &errors)
                }
            }
            if let names = keywords["propertyNames"] { check(.string(name), names, "\(path) key \(name)", &errors) }
        }
        if case .number(let minimum)? = keywords["minProperties"], Double(members.count) < minimum {
            errors.append("\(path): fewer than \(minimum) properties")
        }
        if case .number(let maximum)? = keywords["maxProperties"], Double(members.count) > maximum {
            errors.append("\(path): more than \(maximum) properties")
        }
    }

    private func checkCombinations(
        _ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ errors: inout [String]
    ) {
        func passes(_ schema: JSONValue) -> Bool {
            var scratch: [String] = []
            check(value, schema, path, &scratch)
            return scratch.isEmpty
        }
        if case .array(let options)? = keywords["oneOf"] {
            let matches = options.filter(passes).count
            if matches != 1 { errors.append("\(path): matches \(matches) of oneOf's schemas, not exactly one") }
        }
        if case .array(let options)? = keywords["anyOf"], !options.contains(where: passes) {
            errors.append("\(path): matches none of anyOf's schemas")
        }
        if case .array(let all)? = keywords["allOf"] {
            for schema in all { check(value, schema, path, &errors) }
        }
        if let negated = keywords["not"], passes(negated) { errors.append("\(path): matches a schema it must not") }
        if let condition = keywords["if"] {
            if passes(condition) {
                if let then = keywords["then"] { check(value, then, path, &errors) }
            } else if let otherwise = keywords["else"] {
                check(value, otherwise, path, &errors)
            }
        }
    }

    private func resolve(_ reference: String) -> JSONValue {
        let prefix = "#/$defs/"
        guard reference.hasPrefix(prefix), let definition = root["$defs"]?[String(reference.dropFirst(prefix.count))]
        else { return .bool(false) }
        return definition
    }
}
