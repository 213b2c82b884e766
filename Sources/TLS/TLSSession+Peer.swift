import COpenSSL

/// What the handshake established about the peer and the connection.
extension TLSSession {
    /// The peer's certificate, once the handshake completed; nil when it sent none (a client of a
    /// server that does not verify clients never sends one).
    public var peerCertificate: CertificateInfo? {
        guard isHandshakeComplete else { return nil }
        if let cached = cachedPeerCertificateValue { return cached }
        var info: CertificateInfo?
        if let certificate = SSL_get1_peer_certificate(ssl) {
            info = CertificateInfo(reading: certificate)
            X509_free(certificate)
        }
        cachedPeerCertificateValue = .some(info)
        return info
    }

    /// OpenSSL's verification result for the peer's certificate: "ok" or why not ("certificate has
    /// expired", "hostname mismatch"). Meaningful only when the context verifies the peer.
    public var peerVerificationResult: String {
        String(cString: X509_verify_cert_error_string(SSL_get_verify_result(ssl)))
    }

    /// Whether the peer presented a certificate that this side verified: the test to pass before
    /// trusting `peerCertificate` as an identity.
    public var isPeerVerified: Bool {
        isHandshakeComplete && context.configuration.verifyPeer && SSL_get_verify_result(ssl) == X509_V_OK
            && peerCertificate != nil
    }

    /// The negotiated protocol, e.g. "TLSv1.3" (empty before the handshake).
    public var protocolVersion: String {
        guard isHandshakeComplete, let version = SSL_get_version(ssl) else { return "" }
        return String(cString: version)
    }

    /// The negotiated cipher suite, e.g. "TLS_AES_128_GCM_SHA256" (empty before the handshake).
    public var cipherSuite: String {
        guard isHandshakeComplete, let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher)
        else { return "" }
        return String(cString: name)
    }

    /// Server side: the SNI name the client asked for, if any.
    public var requestedServerName: String? {
        guard let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) else { return nil }
        return String(cString: name)
    }

    /// Turns the error queue after a failed `SSL_do_handshake` into an error: a refusal of the peer's
    /// certificate when that is what happened, else OpenSSL's reason (often the peer's alert).
    func handshakeError() -> TLSError {
        let drained = OpenSSLErrors.drainWithReasons()
        let verification = SSL_get_verify_result(ssl)
        if verification != X509_V_OK || drained.reasons.contains(SSL_R_CERTIFICATE_VERIFY_FAILED) {
            let text = String(cString: X509_verify_cert_error_string(verification))
            return .certificateRejected(reason: "\(text) (\(drained.text))")
        }
        if drained.reasons.contains(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
            return .certificateRejected(reason: "the peer sent no certificate (\(drained.text))")
        }
        return .handshakeFailed(reason: drained.text)
    }
}
