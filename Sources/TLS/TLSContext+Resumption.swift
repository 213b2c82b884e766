#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL

/// Server-side session resumption: stateless TLS 1.3 session tickets, as nats-server (Go's crypto/tls)
/// issues them, so a reconnecting client skips the certificate exchange and its verification.
///
/// What stays as strong as a full handshake:
/// - Only TLS 1.3 resumes, and only with a fresh ECDHE exchange (`psk_dhe_ke`; OpenSSL refuses
///   `psk_ke` unless told otherwise), so every resumed connection has its own forward-secret keys.
///   TLS 1.2 tickets are never accepted (their secrets would not be forward secret).
/// - A ticket carries the client certificate verified in the full handshake; a resumed session
///   reports that same certificate, so it maps to the same identity and permissions, and those are
///   checked again on CONNECT (a revoked name is refused whatever the handshake).
/// - A ticket is refused, and a full handshake runs, once it is older than the lifetime or once the
///   client certificate in it has expired. A resumed connection gets no new ticket, so a client
///   cannot chain resumptions past the lifetime of its last full handshake.
/// - Ticket keys rotate every lifetime and live only in memory: a restart or a reload (which builds
///   a new context, with the new CA and certificate files) voids every ticket.
extension TLSContext {
    /// Turns on tickets lasting `lifetime` for the server context `context`; returns the key ring
    /// sealing them, which must live as long as the context.
    static func enableResumption(_ context: OpaquePointer, lifetime: Duration) throws(TLSError) -> TicketKeyRing {
        let seconds = Int(lifetime.components.seconds)
        let ring = try TicketKeyRing(rotationInterval: seconds)
        guard ticketKeyRingIndex >= 0,
            // Unretained: the TLSContext owns both the ring and the SSL_CTX and frees the SSL_CTX first.
            SSL_CTX_set_ex_data(context, ticketKeyRingIndex, Unmanaged.passUnretained(ring).toOpaque()) == 1
        else { throw OpenSSLErrors.failure("SSL_CTX_set_ex_data") }
        // Required to resume sessions with a verified client certificate; names what tickets are for.
        let sessionContext = Array("ffrtmp-tls-server".utf8)
        guard SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw OpenSSLErrors.failure("SSL_CTX_set_session_id_context")
        }
        COpenSSL_allowTickets(context)
        _ = SSL_CTX_set_timeout(context, seconds)
        guard SSL_CTX_set_num_tickets(context, 1) == 1,
            SSL_CTX_set_tlsext_ticket_key_evp_cb(context, protectTicket) == 1,
            SSL_CTX_set_session_ticket_cb(context, nil, admitTicket, nil) == 1
        else { throw OpenSSLErrors.failure("session ticket settings") }
        return ring
    }
}

/// The SSL_CTX ex_data slot holding a context's `TicketKeyRing`.
private let ticketKeyRingIndex = COpenSSL_newContextDataIndex()

/// OpenSSL's ticket key callback: sets up sealing (`encrypt` 1: returns 1, or 0 for no ticket) or
/// opening (returns 1 when the named key is known, 0 for "unknown key, full handshake"). TLS 1.2
/// connections get no ticket.
private func protectTicket(
    _ ssl: OpaquePointer?, _ name: UnsafeMutablePointer<UInt8>?, _ iv: UnsafeMutablePointer<UInt8>?,
    _ cipher: OpaquePointer?, _ mac: OpaquePointer?, _ encrypt: Int32
) -> Int32 {
    guard let ssl, let name, let iv, let context = SSL_get_SSL_CTX(ssl),
        let stored = SSL_CTX_get_ex_data(context, ticketKeyRingIndex)
    else { return 0 }
    // Safe: the slot holds the ring of this context, which the TLSContext keeps alive (see above).
    let ring = Unmanaged<TicketKeyRing>.fromOpaque(stored).takeUnretainedValue()
    let ivLength = 16  // AES-256-CBC.
    let key: TicketKeyRing.Key
    if encrypt == 1 {
        guard SSL_version(ssl) >= TLS1_3_VERSION, let sealing = ring.keyForSealing(),
            RAND_bytes(iv, Int32(ivLength)) == 1
        else { return 0 }
        key = sealing
        for (index, byte) in key.name.enumerated() { name[index] = byte }
    } else {
        guard let found = ring.key(named: UnsafeBufferPointer(start: name, count: TicketKeyRing.nameLength))
        else { return 0 }
        key = found
    }
    let result = key.cipherKey.withUnsafeBufferPointer { cipherKey in
        key.macKey.withUnsafeBufferPointer { macKey in
            COpenSSL_initializeTicketProtection(
                cipher, mac, cipherKey.baseAddress, macKey.baseAddress, iv, encrypt == 1 ? 1 : 0)
        }
    }
    return result == 1 ? 1 : -1
}

/// OpenSSL's callback after a ticket was opened: resumes only a TLS 1.3 session within its lifetime
/// whose client certificate (if any) has not expired, and then issues no new ticket.
private func admitTicket(
    _ ssl: OpaquePointer?, _ session: OpaquePointer?, _ keyName: UnsafePointer<UInt8>?, _ keyNameLength: Int,
    _ status: SSL_TICKET_STATUS, _ argument: UnsafeMutableRawPointer?
) -> SSL_TICKET_RETURN {
    switch status {
    case SSL_TICKET_SUCCESS, SSL_TICKET_SUCCESS_RENEW:
        break
    case SSL_TICKET_FATAL_ERR_MALLOC, SSL_TICKET_FATAL_ERR_OTHER:
        return SSL_TICKET_RETURN_ABORT
    default:  // No ticket, or one this server cannot open: a full handshake.
        return SSL_TICKET_RETURN_IGNORE_RENEW
    }
    guard let ssl, let session, SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION else {
        return SSL_TICKET_RETURN_IGNORE_RENEW
    }
    let age = Int(time(nil)) - Int(SSL_SESSION_get_time(session))
    guard age >= 0, age <= Int(SSL_SESSION_get_timeout(session)) else { return SSL_TICKET_RETURN_IGNORE_RENEW }
    if let peer = SSL_SESSION_get0_peer(session) {
        guard X509_cmp_current_time(X509_get0_notAfter(peer)) > 0 else { return SSL_TICKET_RETURN_IGNORE_RENEW }
    }
    _ = SSL_set_num_tickets(ssl, 0)
    return SSL_TICKET_RETURN_USE
}
