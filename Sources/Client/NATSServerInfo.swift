import Support

/// What the server said about itself in `INFO`.
public struct NATSServerInfo: Sendable, Equatable {
    public var serverID = ""
    public var serverName = ""
    public var version = ""
    /// The protocol level: 1 allows headers and no-responders replies.
    public var protocolLevel = 0
    public var headers = false
    /// The largest payload the server accepts (1 MiB by default, and when the server's figure is not
    /// a positive number this client can hold: `-1`, `0`, `1e30`).
    public var maxPayload = 1 << 20
    public var clientID = 0
    public var authRequired = false
    /// The server accepts only TLS connections (upgrade after this INFO, or TLS first).
    public var tlsRequired = false
    /// The server verifies client certificates (mTLS).
    public var tlsVerify = false
    /// The server accepts TLS but does not require it (`allow_non_tls`).
    public var tlsAvailable = false
    public var jetStream = false
    /// Other servers of the cluster, as `host:port`.
    public var connectURLs: [String] = []

    public init() {}

    /// Reads the JSON object of an `INFO` line; nil when it is not a JSON object.
    public init?(json: UnsafeRawBufferPointer) {
        guard let value = JSONValue.parse(json), case .object = value else { return nil }
        serverID = value["server_id"]?.string ?? ""
        serverName = value["server_name"]?.string ?? ""
        version = value["version"]?.string ?? ""
        protocolLevel = value["proto"]?.int ?? 0
        headers = value["headers"]?.bool ?? false
        maxPayload = value["max_payload"]?.int.flatMap { $0 > 0 ? $0 : nil } ?? (1 << 20)
        clientID = value["client_id"]?.int ?? 0
        authRequired = value["auth_required"]?.bool ?? false
        tlsRequired = value["tls_required"]?.bool ?? false
        tlsVerify = value["tls_verify"]?.bool ?? false
        tlsAvailable = value["tls_available"]?.bool ?? false
        jetStream = value["jetstream"]?.bool ?? false
        connectURLs = value["connect_urls"]?.array?.compactMap(\.string) ?? []
    }
}
