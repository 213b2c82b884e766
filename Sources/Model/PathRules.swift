/// Rules for file paths in jobs. A job's path is checked as text before anything runs; after
/// the agent resolves symlinks (`realpath`), `isUnder` checks the real path again, so a link
/// inside a root that points outside it is caught at run time.
public enum PathRules {
    /// The input path, normalized (`//` and `.` components dropped), when it is absolute, has no
    /// `..` component and lies strictly below one of `roots`.
    public static func checkInput(_ path: String, roots: [String]) -> Result<String, RuleViolation> {
        guard path.hasPrefix("/") else { return .failure(RuleViolation("must be an absolute path")) }
        let parts = components(path)
        if parts.contains("..") { return .failure(RuleViolation("must not contain .. components")) }
        guard !parts.isEmpty else { return .failure(RuleViolation("names no file")) }
        guard !roots.isEmpty else {
            return .failure(RuleViolation("file inputs are not allowed here (no allowed roots are configured)"))
        }
        guard isUnder(components: parts, roots: roots) else {
            return .failure(RuleViolation("must be under one of: \(roots.joined(separator: ", "))"))
        }
        return .success("/" + parts.joined(separator: "/"))
    }

    /// True when `resolvedPath` (an absolute path with symlinks already resolved) lies strictly
    /// below one of `roots`, compared component by component (`/data2` is not under `/data`).
    /// A path with `..` or not starting with `/` is never under anything.
    public static func isUnder(_ resolvedPath: String, roots: [String]) -> Bool {
        guard resolvedPath.hasPrefix("/") else { return false }
        let parts = components(resolvedPath)
        return !parts.contains("..") && isUnder(components: parts, roots: roots)
    }

    /// A plain file name for an output in the agent's work directory: 1–128 letters, digits,
    /// `.`, `_`, `-`, starting with a letter or digit (so no `/`, no `..`, no hidden file, no
    /// leading `-`, and no `:` that ffmpeg would read as a protocol prefix).
    public static func checkOutputName(_ name: String) -> RuleViolation? {
        let bytes = Array(name.utf8)
        let valid =
            (1...128).contains(bytes.count) && Identifier.isAlphanumeric(bytes[0])
            && bytes.allSatisfy { Identifier.isAlphanumeric($0) || "._-".utf8.contains($0) }
        return valid
            ? nil
            : RuleViolation(
                "must be a plain file name of 1–128 letters, digits, . _ - starting with a letter or digit")
    }

    private static func isUnder(components parts: [Substring], roots: [String]) -> Bool {
        roots.contains { root in
            let rootParts = components(root)
            return parts.count > rootParts.count && parts.starts(with: rootParts)
        }
    }

    /// Path components without empty and `.` ones.
    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }
}
