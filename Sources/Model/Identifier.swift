/// Job and node ids. They become NATS subject tokens (`evt.job.<id>.started`, `hb.<node>`) and
/// file names in the agent's work directory, so they are 1–64 characters of letters, digits,
/// `_` and `-`, starting with a letter or digit. ULIDs and UUIDs fit. Dots are forbidden (a dot
/// splits a subject token), and so are `*`, `>`, spaces, slashes and a leading `-`
/// (which a command line would read as an option).
public enum Identifier {
    public static let maximumLength = 64

    /// True when `text` is a valid job or node id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...maximumLength).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// The reason an id is refused, nil when it is valid.
    public static func violation(_ text: String) -> RuleViolation? {
        isValid(text)
            ? nil
            : RuleViolation(
                "must be 1–\(maximumLength) letters, digits, _ or - starting with a letter or digit "
                    + "(a ULID or UUID fits; no dots: ids are subject tokens)")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || isDigit(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
