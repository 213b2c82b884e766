/// What a leaf certificate may be used for; sets extendedKeyUsage.
public enum CertificateUsage: String, Sendable, CaseIterable {
    /// TLS servers only (serverAuth): the broker.
    case server
    /// TLS clients only (clientAuth): agents, the master, the CLI.
    case client
    /// Both (serverAuth and clientAuth).
    case both
}
