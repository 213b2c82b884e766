/// Rules every string field of a job obeys, and safe quoting of hostile text in messages.
public enum TextRules {
    /// True when `text` holds a C0 or C1 control character (NUL, newline, escape, DEL, …).
    /// No shell ever sees job fields, so shell metacharacters are harmless; control characters
    /// are refused because they corrupt logs, argv displays and file names.
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// Checks length (UTF-8 bytes) and control characters.
    public static func check(_ text: String, maximumBytes: Int) -> RuleViolation? {
        if text.utf8.count > maximumBytes {
            return RuleViolation("is \(text.utf8.count) bytes long; the limit is \(maximumBytes)")
        }
        if hasControlCharacters(text) { return RuleViolation("contains control characters") }
        return nil
    }

    /// `"text"` for an error message: at most 48 characters, control characters shown as `\u{…}`,
    /// so a reason never echoes a megabyte or a terminal escape back to the user.
    public static func quoted(_ text: String) -> String {
        let limit = 48
        var result = "\""
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if offset == limit {
                result += "…"
                break
            }
            if isControl(scalar) || scalar == "\"" || scalar == "\\" {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Why a value broke a rule; the caller adds the field's name.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
