/// What a bare (unquoted) value word means, decided from the whole word as nats-server does:
/// `true`/`yes`/`on` and `false`/`no`/`off` in any case, `4222`, `-1`, sizes like `1MB` (bytes,
/// by `Units.byteSize`), `1.5` and `2e3`, `$name` references; anything else (`0.0.0.0`, `30s`,
/// `nats://host:4222`) is text.
enum ConfigWord: Equatable {
    /// A literal. `writtenAs` keeps the word when a size suffix made it an integer (`2m`).
    case value(ConfigValue, writtenAs: String?)
    /// `$name`: the value of an earlier key or an environment variable.
    case variable(String)
    /// A number that does not fit; the message says why.
    case invalid(String)

    init(_ word: String) {
        let bytes = Array(word.utf8)
        if bytes.first == ConfigByte.dollar {
            self = .variable(String(word.dropFirst()))
            return
        }
        switch word.lowercased() {
        case "true", "yes", "on":
            self = .value(.bool(true), writtenAs: nil)
            return
        case "false", "no", "off":
            self = .value(.bool(false), writtenAs: nil)
            return
        default: break
        }
        let signLength = bytes.first == ConfigByte.minus ? 1 : 0
        let digitCount = bytes.dropFirst(signLength).prefix(while: ConfigByte.isDigit).count
        guard digitCount > 0 else {
            self = .value(.string(word), writtenAs: nil)
            return
        }
        let rest = bytes.dropFirst(signLength + digitCount)
        if rest.isEmpty {
            guard let integer = Int(word) else {
                self = .invalid("\(word) does not fit in a 64-bit integer")
                return
            }
            self = .value(.integer(integer), writtenAs: nil)
        } else if rest.allSatisfy(ConfigByte.isLetter), let size = ConfigWord.size(word, signLength: signLength) {
            self = size
        } else if ConfigWord.isFloat(rest) {
            guard let double = Double(word), double.isFinite else {
                self = .invalid("\(word) is too large for a number")
                return
            }
            self = .value(.double(double), writtenAs: nil)
        } else {
            self = .value(.string(word), writtenAs: nil)
        }
    }

    /// `64KB`, `-1MB`: nil when the letters are no size suffix, so the word is text (`30s`).
    private static func size(_ word: String, signLength: Int) -> ConfigWord? {
        let magnitude = String(word.dropFirst(signLength))
        let suffix = magnitude.drop(while: \.isNumber)
        // nats-server reads a suffix only when it starts with k, m, g or t: `5b` is text.
        guard let first = suffix.lowercased().first, "kmgt".contains(first), Units.byteSize("1" + suffix) != nil else {
            return nil
        }
        guard let bytes = Units.byteSize(magnitude) else { return .invalid("\(word) does not fit in a 64-bit integer") }
        return .value(.integer(signLength == 1 ? -bytes : bytes), writtenAs: word)
    }

    /// After the integer digits: `.digits`, an exponent `e[+-]digits`, or both in that order.
    private static func isFloat(_ rest: ArraySlice<UInt8>) -> Bool {
        var rest = rest
        var sawPart = false
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix(while: ConfigByte.isDigit).count
            guard fraction > 0 else { return false }
            rest = rest.dropFirst(1 + fraction)
            sawPart = true
        }
        if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "+") || rest.first == ConfigByte.minus { rest = rest.dropFirst() }
            let exponent = rest.prefix(while: ConfigByte.isDigit).count
            guard exponent > 0 else { return false }
            rest = rest.dropFirst(exponent)
            sawPart = true
        }
        return sawPart && rest.isEmpty
    }
}
