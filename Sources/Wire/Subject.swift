/// Subject rules: which subjects may be published or subscribed to, and which patterns match which
/// subjects. Everything here works on raw bytes without allocating; the `String` overloads are for
/// tests, configuration and slow paths.
///
/// A subject is a non-empty sequence of tokens separated by `.`, compared byte for byte (any UTF-8,
/// case-sensitive). A token that is exactly `*` matches any one token; a token that is exactly `>`
/// matches one or more tokens and may only be the last token. Wildcard characters inside a longer
/// token are ordinary characters: `a*`, `*a`, `a>`, `**` and `>>` are literals.
///
/// What nats-server 2.15.1 does on the wire (checked with raw TCP):
/// - `SUB` rejects an empty token (`.a`, `a.`, `a..b`, `.`) and a non-final `>` (`>.a`, `a.>.b`)
///   with `-ERR 'Invalid Subject'` and keeps the connection. It accepts `a*`, `>a`, `**`, `a.*>`,
///   invalid UTF-8, NUL, DEL, vertical tab and form feed. (Its `IsValidSubject` function also
///   rejects `\f` and whitespace, but the SUB path only applies the empty-token and `>` rules;
///   space, tab, CR and LF cannot reach it because the protocol parser splits or ends lines there.)
/// - `PUB` subjects are checked only when the client connected with `pedantic:true`: an empty
///   token or a `*`/`>` token gives `-ERR 'Invalid Publish Subject'`, the message is dropped and
///   the connection stays open (in verbose mode a `+OK` still follows the `-ERR`). Literal
///   wildcard characters (`a*b`, `>a`) are accepted.
/// - Without pedantic, every PUB subject is accepted. A subject with an empty token (`foo..bar`,
///   `.foo`, `foo.`) then reaches nobody, not even `>`; a published `*` or `>` token is routed as
///   an ordinary token, so `PUB foo.*` reaches `foo.*`, `foo.>` and `>` but not `foo.bar`.
///   `matches(pattern:subject:)` follows the same rules.
/// - Queue group names are not checked at all: `q.*`, `q..x`, `>` are accepted.
///
/// Here whitespace (space, tab, CR, LF) is rejected in every token, as the NATS documentation
/// says; form feed and other control bytes are accepted, as nats-server accepts them.
public enum Subject {
    /// The token separator, `.`.
    public static let separator = UInt8(ascii: ".")
    /// The single-token wildcard, `*`, when it is a whole token.
    public static let singleTokenWildcard = UInt8(ascii: "*")
    /// The tail wildcard, `>`, when it is the whole last token.
    public static let tailWildcard = UInt8(ascii: ">")

    /// Whether `name` can stand for exactly one literal token wherever it is put into a subject (an
    /// identity in a role's `{name}`, a part of an inbox prefix): not empty, and no `.`, `*`, `>`,
    /// whitespace or control characters anywhere in it, stricter than a subject's own tokens.
    public static func isPlainToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                byte > 0x20 && byte != 0x7F && byte != separator && byte != singleTokenWildcard
                    && byte != tailWildcard
            }
    }

    /// Whether `bytes` may be published to: valid tokens and no wildcard token.
    public static func isValidPublish(_ bytes: UnsafeRawBufferPointer) -> Bool {
        isValid(bytes, allowsWildcards: false)
    }

    /// Whether `bytes` may be subscribed to: valid tokens, `*` tokens anywhere, `>` only last.
    public static func isValidSubscribe(_ bytes: UnsafeRawBufferPointer) -> Bool {
        isValid(bytes, allowsWildcards: true)
    }

    public static func isValidPublish(_ subject: String) -> Bool {
        withBytes(of: subject) { isValidPublish($0) }
    }

    public static func isValidSubscribe(_ subject: String) -> Bool {
        withBytes(of: subject) { isValidSubscribe($0) }
    }

    /// Whether `token` is exactly `*`. (Inlinable ones spell their bytes as literals: a public
    /// `static let` read from another module is a call per read.)
    @inlinable public static func isSingleTokenWildcard(_ token: UnsafeRawBufferPointer) -> Bool {
        token.count == 1 && token[0] == UInt8(ascii: "*")
    }

    /// Whether `token` is exactly `>`.
    @inlinable public static func isTailWildcard(_ token: UnsafeRawBufferPointer) -> Bool {
        token.count == 1 && token[0] == UInt8(ascii: ">")
    }

    /// One pass over the bytes: no empty token, no whitespace, and wildcard tokens only where
    /// allowed (`>` only as the last token).
    private static func isValid(_ bytes: UnsafeRawBufferPointer, allowsWildcards: Bool) -> Bool {
        var tokenLength = 0
        var lastByte: UInt8 = 0
        for byte in bytes {
            // Letters and most other bytes: every byte with a meaning here is `>` (0x3E) or below.
            // (&+ is safe: the count stays below the buffer's size.)
            if byte > tailWildcard {
                tokenLength &+= 1
                lastByte = byte
                continue
            }
            switch byte {
            case separator:
                if tokenLength == 0 { return false }
                if tokenLength == 1 {
                    // A `>` token followed by a separator is never last.
                    if lastByte == tailWildcard { return false }
                    if lastByte == singleTokenWildcard && !allowsWildcards { return false }
                }
                tokenLength = 0
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                return false
            default:
                tokenLength += 1
                lastByte = byte
            }
        }
        if tokenLength == 0 { return false }
        if tokenLength == 1 && (lastByte == singleTokenWildcard || lastByte == tailWildcard) {
            return allowsWildcards
        }
        return true
    }

    /// Calls `body` with the UTF-8 bytes of `subject` (no copy for native strings).
    static func withBytes<Result>(of subject: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var subject = subject
        return subject.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
