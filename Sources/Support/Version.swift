#if canImport(Glibc)
    import Glibc
#endif

/// The ffrtmp release version, reported by `--version`, in INFO and in heartbeats.
public enum Version {
    public static let current = "0.1.0"

    /// The commit this binary was built from, when its packager said so in `FFRTMP_COMMIT` (a
    /// container image or unit file sets it from `git rev-parse HEAD`); nil, "unknown", otherwise.
    /// SwiftPM cannot bake a commit into a build without a plugin, and a `git describe` at run time
    /// would describe whatever folder the binary runs in, not the binary, so neither is tried.
    /// Only 7 to 64 letters, digits, `-`, `.` and `+` are believed.
    public static let commit: String? = commit(fromEnvironment: getenv("FFRTMP_COMMIT").map { String(cString: $0) })

    /// `value` when it looks like a commit id or `git describe` output.
    public static func commit(fromEnvironment value: String?) -> String? {
        guard let value, (7...64).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x2E || byte == 0x2B
            })
        else { return nil }
        return value
    }

    /// `0.1.0 (commit 1a2b3c4)` or `0.1.0 (commit unknown)`, for `--version`.
    public static var described: String { "\(current) (commit \(commit ?? "unknown"))" }
}
