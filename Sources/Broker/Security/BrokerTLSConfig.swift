/// TLS settings of the broker (nats-server's `tls` block and `--tls*` flags).
public struct BrokerTLSConfig: Sendable, Equatable {
    public var certificateFile: String
    public var keyFile: String
    /// Certificates of the authorities that sign client certificates.
    public var authorityFile: String?
    /// Require and verify a client certificate (mTLS).
    public var verifyClients = false
    /// Nanoseconds a client has to complete the handshake.
    public var handshakeTimeout: Int64 = 2_000_000_000
    /// Expect the TLS handshake before INFO (clients' `handshake_first`).
    public var handshakeFirst = false

    public init(certificateFile: String, keyFile: String, authorityFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.authorityFile = authorityFile
    }
}
