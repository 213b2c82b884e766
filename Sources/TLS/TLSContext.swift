import COpenSSL

/// One configured OpenSSL `SSL_CTX`: certificates, trusted CAs and policy, shared by every session of
/// a listener or of a client.
///
/// `@unchecked Sendable`: the context is fully configured in `init` and never changed afterwards;
/// OpenSSL documents a configured `SSL_CTX` as safe to use from many threads at once (`SSL_new` takes
/// its own reference under OpenSSL's locks), so sessions may be created on any thread.
///
/// Session resumption only when a server's configuration sets `sessionTicketLifetime`: then it caches
/// TLS 1.3 sessions and issues tickets naming them (see `TLSContext+Resumption` for what a resumed
/// session keeps and what it cannot do). Otherwise tickets and the session cache are off and every
/// connection runs a full handshake.
/// Clients resume when a session is made with a `TLSSavedSession`.
public final class TLSContext: @unchecked Sendable {
    /// The settings it was built from.
    public let configuration: TLSConfiguration
    /// What this side's own certificate says (nil for a client without one).
    public let certificate: CertificateInfo?
    /// The `SSL_CTX *`, owned.
    let pointer: OpaquePointer

    /// TLS 1.2 suites: forward-secret ECDHE with AEAD ciphers only (no CBC, no RSA key exchange).
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    /// TLS 1.3 suites: OpenSSL's defaults, spelled out.
    static let tls13Ciphers = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// Key-exchange groups, preferred first.
    static let groups = "X25519:P-256:P-384"
    /// Longest certificate chain accepted from a peer, in bytes (OpenSSL's default is 100 KiB).
    static let maximumCertificateListSize = 64 * 1024

    /// Builds the context; every file is read now, so a bad path or PEM fails here with its name.
    public init(_ configuration: TLSConfiguration) throws(TLSError) {
        try configuration.validate()
        OpenSSLErrors.clear()
        let method = configuration.role == .server ? TLS_server_method() : TLS_client_method()
        guard let context = SSL_CTX_new(method) else { throw OpenSSLErrors.failure("SSL_CTX_new") }
        let ownCertificate: CertificateInfo?
        do throws(TLSError) {
            try Self.applyPolicy(context, configuration)
            ownCertificate = try Self.loadIdentity(context, configuration)
            try Self.loadTrust(context, configuration)
            if configuration.role == .server, !configuration.legacyProtocolsForTesting,
                let lifetime = configuration.sessionTicketLifetime
            {
                try Self.enableResumption(
                    context, lifetime: lifetime,
                    cacheSize: configuration.sessionCacheSizeForTesting ?? Self.sessionCacheSize)
            }
        } catch {
            // Properties are still unset, so deinit will not run: free here, exactly once.
            SSL_CTX_free(context)
            throw error
        }
        pointer = context
        certificate = ownCertificate
        self.configuration = configuration
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// A new session for one connection. `serverName` (clients) overrides the configuration's; a
    /// client offers to resume `resuming` (from an earlier connection to the same server).
    public func makeSession(
        serverName: String? = nil, resuming: TLSSavedSession? = nil
    ) throws(TLSError) -> TLSSession {
        try TLSSession(context: self, serverName: serverName ?? configuration.serverName, resuming: resuming)
    }

    private static func applyPolicy(_ context: OpaquePointer, _ configuration: TLSConfiguration) throws(TLSError) {
        COpenSSL_refusePassphrases(context)
        _ = SSL_CTX_set_options(context, COpenSSL_hardeningOptions())
        COpenSSL_disableSessionCache(context)
        guard SSL_CTX_set_num_tickets(context, 0) == 1 else { throw OpenSSLErrors.failure("SSL_CTX_set_num_tickets") }
        COpenSSL_setMaximumCertificateListSize(context, maximumCertificateListSize)
        COpenSSL_releaseIdleBuffers(context)
        if configuration.legacyProtocolsForTesting {
            guard COpenSSL_setMinimumProtocolVersion(context, TLS1_VERSION) == 1,
                COpenSSL_setMaximumProtocolVersion(context, TLS1_1_VERSION) == 1,
                SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0") == 1
            else { throw OpenSSLErrors.failure("legacy protocol settings") }
            return
        }
        guard COpenSSL_setMinimumProtocolVersion(context, TLS1_2_VERSION) == 1 else {
            throw OpenSSLErrors.failure("SSL_CTX_set_min_proto_version(TLS 1.2)")
        }
        guard SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1 else {
            throw OpenSSLErrors.failure("SSL_CTX_set_cipher_list")
        }
        guard SSL_CTX_set_ciphersuites(context, tls13Ciphers) == 1 else {
            throw OpenSSLErrors.failure("SSL_CTX_set_ciphersuites")
        }
        guard COpenSSL_setGroups(context, groups) == 1 else { throw OpenSSLErrors.failure("SSL_CTX_set1_groups_list") }
        if let maximum = configuration.maximumVersionForTesting,
            COpenSSL_setMaximumProtocolVersion(context, maximum) != 1
        {
            throw OpenSSLErrors.failure("SSL_CTX_set_max_proto_version")
        }
    }

    /// Loads the certificate chain and key, checking each file and that they belong together.
    private static func loadIdentity(
        _ context: OpaquePointer, _ configuration: TLSConfiguration
    ) throws(TLSError) -> CertificateInfo? {
        guard let chainPath = configuration.certificateChainPath, let keyPath = configuration.privateKeyPath else {
            return nil
        }
        let leaf = try CertificateObject.parse(pem: CertificateFiles.read(chainPath), source: chainPath)
        let key = try PrivateKeyObject.parse(pem: CertificateFiles.read(keyPath), source: keyPath)
        OpenSSLErrors.clear()
        guard X509_check_private_key(leaf.pointer, key.pointer) == 1 else {
            throw .keyMismatch(certificatePath: chainPath, keyPath: keyPath, reason: OpenSSLErrors.drain())
        }
        guard SSL_CTX_use_certificate_chain_file(context, chainPath) == 1 else {
            throw .invalidPEM(path: chainPath, reason: OpenSSLErrors.drain())
        }
        guard SSL_CTX_use_PrivateKey(context, key.pointer) == 1 else {
            throw .invalidPEM(path: keyPath, reason: OpenSSLErrors.drain())
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .keyMismatch(certificatePath: chainPath, keyPath: keyPath, reason: OpenSSLErrors.drain())
        }
        return leaf.info()
    }

    /// Loads the trusted CAs and sets how the peer is verified.
    private static func loadTrust(_ context: OpaquePointer, _ configuration: TLSConfiguration) throws(TLSError) {
        if let authoritiesPath = configuration.trustedAuthoritiesPath {
            _ = try CertificateObject.parse(pem: CertificateFiles.read(authoritiesPath), source: authoritiesPath)
            OpenSSLErrors.clear()
            guard SSL_CTX_load_verify_locations(context, authoritiesPath, nil) == 1 else {
                throw .invalidPEM(path: authoritiesPath, reason: OpenSSLErrors.drain())
            }
            if configuration.role == .server && configuration.verifyPeer {
                // Tells clients which CAs to pick a certificate from; the list is owned by the context.
                guard let names = SSL_load_client_CA_file(authoritiesPath) else {
                    throw .invalidPEM(path: authoritiesPath, reason: OpenSSLErrors.drain())
                }
                SSL_CTX_set_client_CA_list(context, names)
            }
        } else if configuration.role == .client && configuration.verifyPeer {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw OpenSSLErrors.failure("SSL_CTX_set_default_verify_paths")
            }
        }
        var mode = SSL_VERIFY_NONE
        if configuration.verifyPeer {
            mode = SSL_VERIFY_PEER
            if configuration.role == .server { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
        }
        SSL_CTX_set_verify(context, mode, nil)
        SSL_CTX_set_verify_depth(context, 4)
    }
}
