/// Rules for stream URLs in jobs (inputs and outputs).
///
/// A URL must be `scheme://host[:port][/path][?query]` with an allowed scheme, a host, no
/// credentials (`user:password@` would end up in the argv the result records and in the
/// process list) and only characters RFC 3986 allows (no spaces, quotes, backslashes, `<>`,
/// `{}`, `|`, `^` or backticks). Protocols that read local files or wrap other protocols are
/// refused even if a policy lists them (`forbiddenSchemes`); everything else not in the
/// policy's allow-list is refused too.
public enum URLRules {
    /// ffmpeg protocols no policy can allow: they read local files or descriptors (`file`,
    /// `fd`, `pipe`, `unix`), or wrap another URL and so escape the checks (`concat`, `subfile`,
    /// `cache`, `async`, `crypto`, `tee`, `hls`, `data`).
    public static let forbiddenSchemes: Set<String> = [
        "file", "fd", "pipe", "unix", "concat", "concatf", "subfile", "cache", "async", "crypto", "tee", "hls", "data",
    ]

    /// Nil when `url` may be used, else why not.
    public static func check(_ url: String, allowedSchemes: Set<String>) -> RuleViolation? {
        let allowed = allowedSchemes.subtracting(forbiddenSchemes).sorted().joined(separator: ", ")
        guard let separator = url.firstRange(of: "://") else {
            if let colon = url.firstIndex(of: ":") {
                return RuleViolation(
                    "protocol \(TextRules.quoted(String(url[..<colon]))) is not allowed (allowed: \(allowed))")
            }
            return RuleViolation("must be a URL such as rtmp://host/app/stream")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard allowedSchemes.contains(scheme), !forbiddenSchemes.contains(scheme) else {
            return RuleViolation("protocol \(TextRules.quoted(scheme)) is not allowed (allowed: \(allowed))")
        }
        guard url.utf8.allSatisfy(isURLByte) else {
            return RuleViolation("contains a space, control or other character a URL cannot hold")
        }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            return RuleViolation("must not carry credentials (user:password@): they would show in argv and logs")
        }
        if let violation = checkHostAndPort(authority) { return violation }
        return checkOptions(in: rest)
    }

    /// URL options that turn the agent into a server: ffmpeg's `listen` (tcp, http, rtmp, …) and SRT's
    /// `mode=listener` or `mode=rendezvous` would open a port on the node and wait for whoever connects,
    /// so a job only ever calls out (`mode=caller`, SRT's default).
    private static func checkOptions(in rest: Substring) -> RuleViolation? {
        guard let question = rest.firstIndex(of: "?") else { return nil }
        let query = rest[rest.index(after: question)...].prefix { $0 != "#" }
        for option in query.split(separator: "&") {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1].lowercased() : ""
            if name == "listen" || (name == "mode" && value != "caller") {
                return RuleViolation(
                    "must not make the agent listen (\(TextRules.quoted(String(option)))): jobs only connect out")
            }
        }
        return nil
    }

    private static func checkHostAndPort(_ authority: Substring) -> RuleViolation? {
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                return RuleViolation("has an unclosed [ in its host")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return RuleViolation("has text after its [host]") }
                port = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return RuleViolation("has an invalid IPv6 host")
            }
        } else {
            if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            let hostBytes = host.utf8
            guard (1...253).contains(hostBytes.count),
                hostBytes.allSatisfy({
                    Identifier.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                })
            else {
                return RuleViolation("needs a host name or address")
            }
        }
        if let port {
            guard (1...5).contains(port.count), port.allSatisfy(\.isASCII), let number = Int(port),
                (1...65_535).contains(number)
            else { return RuleViolation("has an invalid port") }
        }
        return nil
    }

    /// Printable ASCII except space and the characters RFC 3986 excludes (`"<>\^`{|}`).
    private static func isURLByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !"\"<>\\^`{|}".utf8.contains(byte)
    }
}
