/// The SHA-256 text the NATS object store writes, `SHA-256=` and 44 characters of padded base64url, as
/// a result's `input_digest` and `kept_output.digest` carry it; a result with anything else is implausible.
public enum ContentDigest {
    public static let prefix = "SHA-256="

    /// Whether `text` is a SHA-256 digest in that form.
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let encoded = Array(text.utf8.dropFirst(prefix.utf8.count))
        guard encoded.count == 44, encoded.last == UInt8(ascii: "=") else { return false }
        return encoded.dropLast().allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
