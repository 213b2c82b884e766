#if canImport(Glibc)
    import Glibc
#endif

/// The reference matcher: a direct reading of the subject rules, used by tests and slow paths
/// (permissions, stream subjects). The broker routes through `SubjectIndex`, which must agree.
extension Subject {
    /// Whether a message published to `subject` is delivered to a subscription on `pattern`.
    ///
    /// `pattern` is a valid subscribe subject. `subject`'s tokens are compared literally, so a
    /// published `*` or `>` token is matched by `*`, `>` or nothing else (as nats-server routes
    /// non-pedantic publishes). A subject with an empty token matches nothing, not even `>`.
    public static func matches(pattern: UnsafeRawBufferPointer, subject: UnsafeRawBufferPointer) -> Bool {
        var subjectTokens = SubjectTokenizer(subject)
        var patternTokens = SubjectTokenizer(pattern)
        while let patternToken = patternTokens.next() {
            guard let subjectToken = subjectTokens.next(), !subjectToken.isEmpty else { return false }
            if isTailWildcard(patternToken) { return hasNoEmptyToken(&subjectTokens) }
            if isSingleTokenWildcard(patternToken) { continue }
            if !equal(patternToken, subjectToken) { return false }
        }
        return subjectTokens.next() == nil
    }

    public static func matches(pattern: String, subject: String) -> Bool {
        withBytes(of: pattern) { pattern in
            withBytes(of: subject) { subject in matches(pattern: pattern, subject: subject) }
        }
    }

    /// Consumes the remaining tokens; false if one of them is empty.
    private static func hasNoEmptyToken(_ tokens: inout SubjectTokenizer) -> Bool {
        while let token = tokens.next() {
            if token.isEmpty { return false }
        }
        return true
    }

    /// Byte equality of two tokens.
    static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard left.count > 0 else { return true }
        return memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
    }
}
