import TLS

/// What a reload (SIGHUP) replaces as one unit: the settings, who may connect, the server side of
/// TLS, and the INFO greeting built from them. Immutable: a reload builds a new one and swaps it in.
/// Each connection keeps the one it was accepted under, so its limits and TLS session never change
/// under it; only its identity and permissions are re-checked (see `ClientConnection+Reload`).
final class BrokerSettings: Sendable {
    let config: BrokerConfig
    let authenticator: Authenticator
    /// The server side of TLS, when configured: one context shared by every connection accepted under it.
    let tlsContext: TLSContext?
    let info: ServerInfo

    init(config: BrokerConfig, serverID: String, port: Int, tlsContext: TLSContext?) {
        self.config = config
        self.tlsContext = tlsContext
        authenticator = Authenticator(config: config.authorization)
        var info = ServerInfo(
            server_id: serverID, server_name: config.serverName ?? serverID, host: config.host, port: port,
            max_payload: config.maxPayload)
        if let tls = config.tls, tlsContext != nil {
            info.tls_required = true
            info.tls_verify = tls.verifyClients ? true : nil
            info.tls_available = true
        }
        if config.authorization.isRequired { info.auth_required = true }
        if config.jetStream { info.jetstream = true }
        self.info = info
    }

    /// How long a client may resume its TLS 1.3 session without a full handshake (see
    /// `TLSContext+Resumption`): a reconnect storm after a network cut costs little CPU, while a client
    /// certificate is verified in full at least once an hour, and never after it expired.
    static let sessionTicketLifetime = Duration.seconds(3600)

    /// Reads the certificate, key and CA files `tls` names into a server context; nil without TLS.
    /// Throws when a file is missing, unreadable, or the key does not match the certificate. Each
    /// context has its own session cache, so a reload voids the tickets issued before it.
    static func makeTLSContext(_ tls: BrokerTLSConfig?) throws -> TLSContext? {
        guard let tls else { return nil }
        return try TLSContext(
            .server(
                certificateChainPath: tls.certificateFile, privateKeyPath: tls.keyFile,
                trustedAuthoritiesPath: tls.authorityFile, verifyPeer: tls.verifyClients,
                sessionTicketLifetime: sessionTicketLifetime))
    }
}
