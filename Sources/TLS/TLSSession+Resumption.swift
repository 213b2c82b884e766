import COpenSSL

/// Session resumption, as seen from one connection.
extension TLSSession {
    /// Whether the handshake resumed an earlier session (no certificates were exchanged; the peer's
    /// certificate is the one verified when that session began).
    public var isResumed: Bool {
        isHandshakeComplete && SSL_session_reused(ssl) == 1
    }

    /// Client: a copy of this connection's session, to offer when connecting to the same server
    /// again; nil on a server, before the server's ticket arrived (it comes with the first data after
    /// the handshake), after a failure, and for anything but TLS 1.3. A copy, so what later happens to
    /// this connection (OpenSSL marks a session unusable when its connection ends abruptly) does not
    /// affect it.
    public var savedSession: TLSSavedSession? {
        guard isHandshakeComplete, failure == nil, context.configuration.role == .client,
            let session = SSL_get_session(ssl), SSL_SESSION_is_resumable(session) == 1,
            SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION, let copy = SSL_SESSION_dup(session)
        else { return nil }
        return TLSSavedSession(taking: copy)
    }
}
