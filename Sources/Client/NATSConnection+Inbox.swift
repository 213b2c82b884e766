import TLS
import Wire

/// Where a connection's replies arrive: every inbox it creates (requests, pulls, publish acks,
/// `newInbox`) lies under one prefix, so a broker can give each identity its own, `_INBOX.<name>.>`,
/// and no other node can subscribe to its replies (nats.go's `CustomInboxPrefix`, nats-py's
/// `inbox_prefix`).
extension ConnectionOptions {
    /// The default prefix, for connections without a client certificate.
    public static let defaultInboxPrefix = "_INBOX"

    /// The prefix in effect: `inboxPrefix` when set; else `_INBOX.<CN>` when a client certificate is
    /// configured, since the broker maps the certificate's CN to the user its roles name `{name}`;
    /// else `_INBOX`. A CN that is not one plain subject token (the broker refuses those) and a
    /// certificate that cannot be read leave `_INBOX`: connecting then fails with the real reason.
    public var effectiveInboxPrefix: String {
        if let inboxPrefix { return inboxPrefix }
        guard let path = tls?.certificateChainPath,
            let name = try? CertificateFiles.inspectCertificate(at: path).commonName,
            Subject.isPlainToken(name)
        else { return Self.defaultInboxPrefix }
        return Self.defaultInboxPrefix + "." + name
    }

    /// Whether `prefix` can start subjects: tokens without wildcards or whitespace, no empty token.
    public static func isValidInboxPrefix(_ prefix: String) -> Bool {
        let tokens = prefix.split(separator: ".", omittingEmptySubsequences: false)
        return tokens.allSatisfy { Subject.isPlainToken(String($0)) }
    }
}
