/// The settings of one `TLSContext`: role, own certificate, trusted CAs, peer verification.
///
/// Fixed policy, not settings: TLS 1.2 minimum; for TLS 1.2 only ECDHE key exchange with AES-GCM or
/// ChaCha20-Poly1305; groups X25519, P-256, P-384; no renegotiation; no compression; session
/// resumption only in TLS 1.3, with a fresh ECDHE exchange, and only when a server sets
/// `sessionTicketLifetime` (see `TLSContext+Resumption`).
public struct TLSConfiguration: Equatable, Sendable {
    /// Server or client.
    public var role: TLSRole
    /// PEM file with this side's certificate, then any intermediates. Required for a server; a client
    /// needs one when the server verifies clients (mTLS).
    public var certificateChainPath: String?
    /// PEM file with the private key of the first certificate in `certificateChainPath` (unencrypted).
    public var privateKeyPath: String?
    /// PEM file with the CA certificates trusted to sign the peer's certificate. A verifying server
    /// needs it; a verifying client without it trusts the system's CAs.
    public var trustedAuthoritiesPath: String?
    /// Server: require a client certificate signed by a trusted CA (mTLS; off by default).
    /// Client: verify the server's certificate chain and `serverName` (on by default).
    public var verifyPeer: Bool
    /// Client: the name sent as SNI and checked against the server certificate's SAN DNS names (or IP
    /// addresses, when it is an IP literal). A session may override it. Ignored by servers.
    public var serverName: String?
    /// Most ciphertext a session holds unprocessed before its handshake completes (bounds what a stalling
    /// or flooding peer can make a connection hold).
    public var handshakeBufferLimit: Int
    /// Most ciphertext a session holds unprocessed after the handshake (the caller feeds, then reads the
    /// plaintext out; this only trips when it stops reading).
    public var bufferLimit: Int
    /// Server: how long a TLS 1.3 session ticket lets a client resume without presenting and having its
    /// certificate verified again (nil: no tickets, every connection runs a full handshake). Ignored by
    /// clients, which resume only when handed a `TLSSavedSession`.
    public var sessionTicketLifetime: Duration?
    /// Tests only: allow TLS 1.0–1.1 and nothing newer, at security level 0, to play an outdated peer.
    var legacyProtocolsForTesting = false
    /// Tests only: the newest protocol to offer (`TLS1_2_VERSION` plays a TLS 1.2-only peer).
    var maximumVersionForTesting: Int32?
    /// Tests only: a server's session cache bound instead of `TLSContext.sessionCacheSize`.
    var sessionCacheSizeForTesting: Int?

    /// The smallest buffer limit: one whole TLS record (16 KiB of data plus header and expansion).
    public static let minimumBufferLimit = 16 * 1024 + 2048 + 5
    /// The longest ticket lifetime TLS 1.3 allows (RFC 8446, section 4.6.1: seven days).
    public static let maximumSessionTicketLifetime = Duration.seconds(7 * 24 * 3600)

    public init(
        role: TLSRole, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
        trustedAuthoritiesPath: String? = nil, verifyPeer: Bool? = nil, serverName: String? = nil,
        handshakeBufferLimit: Int = 64 * 1024, bufferLimit: Int = 1024 * 1024, sessionTicketLifetime: Duration? = nil
    ) {
        self.role = role
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustedAuthoritiesPath = trustedAuthoritiesPath
        self.verifyPeer = verifyPeer ?? (role == .client)
        self.serverName = serverName
        self.handshakeBufferLimit = handshakeBufferLimit
        self.bufferLimit = bufferLimit
        self.sessionTicketLifetime = sessionTicketLifetime
    }

    /// A server presenting `certificateChainPath`; with `trustedAuthoritiesPath` and `verifyPeer`, mTLS;
    /// with `sessionTicketLifetime`, TLS 1.3 session resumption.
    public static func server(
        certificateChainPath: String, privateKeyPath: String, trustedAuthoritiesPath: String? = nil,
        verifyPeer: Bool = false, sessionTicketLifetime: Duration? = nil
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
            trustedAuthoritiesPath: trustedAuthoritiesPath, verifyPeer: verifyPeer,
            sessionTicketLifetime: sessionTicketLifetime)
    }

    /// A client verifying the server against `trustedAuthoritiesPath` and `serverName`, presenting
    /// `certificateChainPath` when given.
    public static func client(
        trustedAuthoritiesPath: String?, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
        serverName: String? = nil, verifyPeer: Bool = true
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
            trustedAuthoritiesPath: trustedAuthoritiesPath, verifyPeer: verifyPeer, serverName: serverName)
    }

    /// Refuses incomplete or contradictory settings, naming the setting.
    func validate() throws(TLSError) {
        if certificateChainPath == nil && role == .server {
            throw .configuration("a server needs a certificate (tlscert)")
        }
        if (certificateChainPath == nil) != (privateKeyPath == nil) {
            throw .configuration(
                certificateChainPath == nil
                    ? "a private key (tlskey) was given without a certificate (tlscert)"
                    : "a certificate (tlscert) was given without its private key (tlskey)")
        }
        if role == .server && verifyPeer && trustedAuthoritiesPath == nil {
            throw .configuration("verifying clients (tlsverify) needs the CA certificate file (tlscacert)")
        }
        if let lifetime = sessionTicketLifetime,
            lifetime < .seconds(1) || lifetime > Self.maximumSessionTicketLifetime
        {
            throw .configuration("sessionTicketLifetime \(lifetime) is not between 1 second and 7 days")
        }
        for (name, limit) in [("handshakeBufferLimit", handshakeBufferLimit), ("bufferLimit", bufferLimit)]
        where limit < Self.minimumBufferLimit {
            throw .configuration("\(name) \(limit) is below one TLS record (\(Self.minimumBufferLimit) bytes)")
        }
    }
}
