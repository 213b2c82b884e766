/// An `http://` or `https://host[:port][/path][?query]` URL taken apart for a request. A URL without
/// a scheme is read as `http://` (`127.0.0.1:8080`); user info and fragments are not accepted or are
/// dropped.
public struct HTTPAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The request target: path and query, at least `/`.
    public var target: String
    /// `https://`: the request goes over TLS.
    public var isSecure: Bool

    public init(host: String, port: Int? = nil, target: String = "/", isSecure: Bool = false) {
        self.host = host
        self.port = port ?? (isSecure ? 443 : 80)
        self.target = target
        self.isSecure = isSecure
    }

    public init(parsing url: String) throws(HTTPGetError) {
        var rest = Substring(url)
        var isSecure = false
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            let scheme = parts[0].lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw scheme.isEmpty ? .invalidURL(url) : .unsupportedScheme(scheme)
            }
            isSecure = scheme == "https"
            rest = parts[1]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains(where: { $0 == " " || $0.isNewline })
        else { throw .invalidURL(url) }
        var host = authority
        var port = isSecure ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { throw .invalidURL(url) }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]) else { throw .invalidURL(url) }
            host = authority[..<colon]
            port = number
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw .invalidURL(url) }
        self.init(host: String(host), port: port, target: target, isSecure: isSecure)
    }

    /// The `Host` header's value: `host:port`, brackets around an IPv6 address.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }
}
