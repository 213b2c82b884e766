import TLS

/// How a connection speaks TLS: which CAs it trusts, which certificate it presents, what name it
/// checks, and whether TLS starts before the server's INFO.
///
/// The server's certificate and host name are always verified: there is deliberately no option to
/// skip it. Setting these options makes a connection insist on TLS, even with a `nats://` URL (as
/// nats.go does); a server that does not offer TLS is refused rather than used in plaintext.
public struct ClientTLSOptions: Sendable, Equatable {
    /// PEM file with the CA certificates trusted to sign the server's certificate (`--tlsca`); nil
    /// trusts the system's CAs.
    public var trustedAuthoritiesPath: String?
    /// PEM file with this client's certificate (`--tlscert`), for servers that verify clients (mTLS).
    public var certificateChainPath: String?
    /// PEM file with the private key of `certificateChainPath` (`--tlskey`).
    public var privateKeyPath: String?
    /// The name the server's certificate must carry (and the SNI sent) instead of the URL's host: for
    /// connecting by IP address or through a tunnel to a broker whose certificate names its DNS name.
    public var serverName: String?
    /// Start the TLS handshake before the server's INFO (`--tlsfirst`; the server's `handshake_first`).
    public var handshakeFirst: Bool

    public init(
        trustedAuthoritiesPath: String? = nil, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
        serverName: String? = nil, handshakeFirst: Bool = false
    ) {
        self.trustedAuthoritiesPath = trustedAuthoritiesPath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.serverName = serverName
        self.handshakeFirst = handshakeFirst
    }

    /// The TLS module's client settings: always verifying the server.
    var configuration: TLSConfiguration {
        .client(
            trustedAuthoritiesPath: trustedAuthoritiesPath, certificateChainPath: certificateChainPath,
            privateKeyPath: privateKeyPath, serverName: serverName, verifyPeer: true)
    }

    /// The CA file named in error messages.
    var trustedAuthoritiesDescription: String {
        trustedAuthoritiesPath.map { "the CA in \($0)" } ?? "the system's trusted CAs (no --tlsca given)"
    }
}
