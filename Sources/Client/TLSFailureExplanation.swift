import TLS

/// Turns the TLS module's errors into `ClientError`s that say what went wrong in words a person
/// deploying certificates can act on: which side refused which certificate, and why.
///
/// OpenSSL reports a refusal by the server as the alert it received ("tlsv13 alert certificate
/// required", "tlsv1 alert unknown ca"), and our own refusal of the server's certificate as the
/// verification result ("hostname mismatch", "unable to get local issuer certificate"); both are
/// matched here and explained. Unknown causes keep OpenSSL's text.
struct TLSFailureExplanation {
    /// The name the server's certificate was checked against.
    let serverName: String
    /// The TLS settings in use (nil when a `tls://` URL alone asked for TLS).
    let options: ClientTLSOptions?

    /// The error for `error` met while connecting (handshake or the first exchange after it).
    /// Timeouts become `.timeout` and socket failures `.socket`, for the caller to place.
    func connectError(_ error: TLSError) -> ClientError {
        switch error {
        case .timedOut: .timeout
        case .socket(let operation, let code): .socket(operation: operation, code: code)
        case .connectionClosed: .tlsHandshakeFailed("the server closed the connection during the handshake")
        case .certificateRejected(let reason): .tlsHandshakeFailed(serverCertificateRefused(reason))
        case .handshakeFailed(let reason), .protocolError(let reason): .tlsHandshakeFailed(alert(reason))
        case .file, .invalidPEM, .keyMismatch, .configuration, .certificate: .tlsConfiguration(error.description)
        case .openSSL, .bufferLimitExceeded, .invalidState: .tlsHandshakeFailed(error.description)
        }
    }

    /// The error for `error` on an established connection (the reader or a writer).
    static func connectionError(_ error: TLSError) -> ClientError {
        switch error {
        case .timedOut: .timeout
        case .socket(let operation, let code): .socket(operation: operation, code: code)
        case .protocolError(let reason), .handshakeFailed(let reason): .tlsFailed(reason)
        default: .tlsFailed(error.description)
        }
    }

    /// Why we refused the server's certificate. `reason` is the verification result followed by
    /// OpenSSL's queue in parentheses ("hostname mismatch (error:0A000086:…)").
    private func serverCertificateRefused(_ reason: String) -> String {
        let result = reason.firstRange(of: " (").map { String(reason[..<$0.lowerBound]) } ?? reason
        let explanation: String
        switch result {
        case "hostname mismatch", "IP address mismatch":
            explanation =
                "the server's certificate is not issued for \"\(serverName)\"; connect with a name "
                + "in its DNS or IP alternative names (ffrtmp certs show), or set serverName"
        case "unable to get local issuer certificate", "unable to get issuer certificate",
            "self-signed certificate", "self signed certificate", "self-signed certificate in certificate chain",
            "self signed certificate in certificate chain", "unable to verify the first certificate":
            explanation =
                "unknown ca: the server's certificate is not signed by "
                + (options?.trustedAuthoritiesDescription ?? "the system's trusted CAs")
        case "certificate has expired": explanation = "the server's certificate has expired"
        case "certificate is not yet valid": explanation = "the server's certificate is not valid yet (check clocks)"
        case "unsuitable certificate purpose":
            explanation = "the server's certificate is not for servers (issue it with --role broker)"
        default: explanation = reason
        }
        return "certificate verify failed: \(result): \(explanation)"
    }

    /// The server's alert (its refusal of this client), or the handshake's own failure, explained.
    private func alert(_ reason: String) -> String {
        let hasCertificate = options?.certificateChainPath != nil
        if reason.contains("alert certificate required")
            || (reason.contains("alert handshake failure") && !hasCertificate)
        {
            return "the server requires a client certificate (give one with --tlscert and --tlskey) [\(reason)]"
        }
        let refusals = [
            ("alert unknown ca", "unknown ca: the server does not trust the CA that signed our client certificate"),
            ("alert bad certificate", "bad certificate: the server refused our client certificate"),
            ("alert certificate expired", "certificate expired: the server says our client certificate expired"),
            ("alert unsupported certificate", "unsupported certificate: our certificate is not a client certificate"),
            ("alert certificate revoked", "certificate revoked: the server refused our client certificate"),
            ("alert access denied", "access denied: the server refused our client certificate"),
        ]
        for (alert, explanation) in refusals where reason.contains(alert) {
            return "\(explanation) [\(reason)]"
        }
        if reason.contains("wrong version number") || reason.contains("packet length too long") {
            let hint =
                options?.handshakeFirst == true
                ? "the server answered in plaintext: it does not expect TLS first (drop --tlsfirst)"
                : "the server did not answer with TLS"
            return "\(hint) [\(reason)]"
        }
        return reason
    }
}
