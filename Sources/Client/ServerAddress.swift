import Net
import Support

/// One server to connect to, from a URL such as `nats://user:pass@host:4222` or `tls://host:4222`.
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultPort = 4222

    public var host: String
    public var port: Int
    /// The URL said `tls://`: the connection must be TLS whatever the server's INFO says.
    public var usesTLS = false
    /// Credentials written in the URL (`user:pass@` or `token@`); options given in code win.
    public var user: String?
    public var password: String?
    public var token: String?

    public init(host: String, port: Int = ServerAddress.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Parses `nats://host:port`, `tls://host:port`, `host:port`, `host`, `[::1]:4222`, with optional
    /// credentials. Other schemes are refused.
    public init(parsing text: String) throws(ClientError) {
        var rest = Substring(text.trimmingWhitespace())
        var usesTLS = false
        if let schemeEnd = rest.firstRange(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "nats" || scheme == "tls" else { throw ClientError.invalidURL(text) }
            usesTLS = scheme == "tls"
            rest = rest[schemeEnd.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var user: String?
        var password: String?
        var token: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                token = String(credentials)
            }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw ClientError.invalidURL(text) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ClientError.invalidURL(text) }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        if host.isEmpty { host = "127.0.0.1" }
        var port = ServerAddress.defaultPort
        if let portText {
            guard let value = Int(portText), value > 0, value < 65536 else { throw ClientError.invalidURL(text) }
            port = value
        }
        guard !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else { throw ClientError.invalidURL(text) }
        self.host = String(host)
        self.port = port
        self.usesTLS = usesTLS
        self.user = user
        self.password = password
        self.token = token
    }

    /// Parses each entry, splitting comma-separated lists as `NATS_URL` allows.
    public static func parseList(_ urls: [String]) throws(ClientError) -> [ServerAddress] {
        var addresses: [ServerAddress] = []
        for entry in urls {
            for part in entry.split(separator: ",") where !part.trimmingWhitespace().isEmpty {
                addresses.append(try ServerAddress(parsing: String(part)))
            }
        }
        guard !addresses.isEmpty else { throw ClientError.invalidURL(urls.joined(separator: ",")) }
        return addresses
    }

    /// `nats://host:port` (or `tls://`), without credentials.
    public var description: String { (usesTLS ? "tls://" : "nats://") + SocketAddress.hostPort(host, port) }
}
