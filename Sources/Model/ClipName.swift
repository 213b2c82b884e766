/// The name of a clip in the `clips` object store bucket, as a job's `input.name` gives it: 1 to 255
/// of letters, digits and `-/_=.` (nats-py's object key rule), not starting or ending with `.` or `/`
/// and without `..`, so it is safe as a cache file name and as a subject token once base64-encoded.
public enum ClipName {
    public static let maximumLength = 255

    /// Why `name` is not a clip name, or nil when it is one.
    public static func violation(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last else { return "must not be empty" }
        guard bytes.count <= maximumLength else { return "must be at most \(maximumLength) bytes" }
        let allowed: Set<UInt8> = [
            UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "."),
        ]
        guard bytes.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) }) else {
            return "may hold only letters, digits and -/_=."
        }
        let edges: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "/")]
        guard !edges.contains(first), !edges.contains(last), !name.contains("..") else {
            return "must not start or end with . or / nor hold .."
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }
}
