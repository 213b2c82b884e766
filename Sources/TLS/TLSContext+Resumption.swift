#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL

/// Server-side session resumption: TLS 1.3 session tickets naming a session the server keeps in its
/// own bounded cache (stateful tickets), so a reconnecting client skips the certificate exchange and
/// its verification, and the server skips decoding a certificate from a ticket.
///
/// What stays as strong as a full handshake:
/// - Only TLS 1.3 resumes, and only with a fresh ECDHE exchange (`psk_dhe_ke`; OpenSSL refuses
///   `psk_ke` unless told otherwise), so every resumed connection has its own forward-secret keys.
///   TLS 1.2 sessions are never cached (no session-id resumption, no TLS 1.2 tickets), and a
///   connection that resumed anything but TLS 1.3 fails (`TLSSession.handshake`).
/// - A ticket is 32 random bytes naming a cached session; the session, not the ticket, holds the
///   secrets and the client certificate verified in the full handshake. A resumed session reports that
///   same certificate, so it maps to the same identity and permissions, and those are checked again on
///   CONNECT (a revoked name is refused whatever the handshake).
/// - Each session has a deadline: the ticket lifetime after the full handshake, or the second before
///   the client certificate's notAfter when that comes first. OpenSSL refuses a session past it
///   (`SSL_SESSION_set_timeout`) and a full handshake runs instead, which checks the certificate again.
/// - A resumed connection gets no new ticket, so a client cannot chain resumptions past the lifetime
///   of its last full handshake; its ticket resumes any number of connections until then.
/// - The cache lives only in this context's memory: a restart or a reload (which builds a new context,
///   with the new CA and certificate files) voids every ticket. At most `sessionCacheSize` sessions are
///   kept; past that the one whose deadline comes first is dropped and its client runs a full handshake.
extension TLSContext {
    /// The most sessions a server keeps for resumption: one per full handshake within the ticket
    /// lifetime. Each costs about 9 KiB of memory (mostly the decoded client certificate; measured with
    /// P-256 certificates and OpenSSL 3.0), so the cache stays under 40 MiB.
    static let sessionCacheSize = 4096

    /// Turns on resumption for the server context `context`, with sessions lasting `lifetime` after
    /// their full handshake and at most `cacheSize` of them kept.
    static func enableResumption(_ context: OpaquePointer, lifetime: Duration, cacheSize: Int) throws(TLSError) {
        // Required to resume sessions with a verified client certificate; names what sessions are for.
        let sessionContext = Array("ffrtmp-tls-server".utf8)
        guard SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw OpenSSLErrors.failure("SSL_CTX_set_session_id_context")
        }
        // SSL_OP_NO_TICKET stays set (see `COpenSSL_hardeningOptions`): TLS 1.3 tickets are then stateful.
        COpenSSL_enableServerSessionCache(context, max(1, cacheSize))
        _ = SSL_CTX_set_timeout(context, Int(lifetime.components.seconds))
        SSL_CTX_sess_set_new_cb(context, cacheSession)
        SSL_CTX_set_info_callback(context, withholdTicketWhenResumed)
        guard SSL_CTX_set_num_tickets(context, 1) == 1 else { throw OpenSSLErrors.failure("SSL_CTX_set_num_tickets") }
    }

    /// How many sessions the cache holds now (servers with resumption; 0 otherwise).
    var cachedSessionCount: Int { COpenSSL_cachedSessionCount(pointer) }
}

/// OpenSSL's new-session callback, called as a full TLS 1.3 handshake sends its ticket: caches the
/// session until its deadline (the context's lifetime, or the second before the client certificate's
/// notAfter when sooner). A TLS 1.2 session, or one whose certificate has already expired, is not
/// cached. Returns 0: OpenSSL keeps no reference on our behalf (the cache takes its own).
private func cacheSession(_ ssl: OpaquePointer?, _ session: OpaquePointer?) -> Int32 {
    guard let ssl, let session, let context = SSL_get_SSL_CTX(ssl), SSL_session_reused(ssl) == 0,
        SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION
    else { return 0 }
    let issuedAt = Int(SSL_SESSION_get_time(session))
    var deadline = issuedAt + SSL_CTX_get_timeout(context)
    if let peer = SSL_SESSION_get0_peer(session) {
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard ASN1_TIME_diff(&days, &seconds, nil, X509_get0_notAfter(peer)) == 1 else { return 0 }
        deadline = min(deadline, Int(time(nil)) + Int(days) * 86_400 + Int(seconds) - 1)
    }
    guard deadline > issuedAt else { return 0 }
    // OpenSSL resumes a session while `now - issuedAt <= timeout`.
    _ = SSL_SESSION_set_timeout(session, deadline - issuedAt)
    _ = SSL_CTX_add_session(context, session)
    return 0
}

/// OpenSSL's info callback, called at each step of a handshake: once the server knows it resumed a
/// session, it sends no ticket (a new one would outlive the full handshake's lifetime).
private func withholdTicketWhenResumed(_ ssl: OpaquePointer?, _ event: Int32, _ value: Int32) {
    guard let ssl, SSL_session_reused(ssl) == 1, SSL_get_num_tickets(ssl) != 0 else { return }
    _ = SSL_set_num_tickets(ssl, 0)
}
