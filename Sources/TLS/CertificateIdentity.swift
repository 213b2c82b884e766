/// Where ffrtmp keeps identities in its certificates.
public enum CertificateIdentity {
    /// SAN URIs of this form carry the holder's role: `ffrtmp://role/agent`.
    public static let roleURIPrefix = "ffrtmp://role/"

    /// The SAN URI for `role`.
    public static func roleURI(_ role: String) -> String {
        roleURIPrefix + role
    }
}
