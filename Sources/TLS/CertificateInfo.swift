#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL

/// What an X.509 certificate says about its holder: subject, alternative names, role, validity.
///
/// ffrtmp certificates carry the holder's name as the subject CN and its role twice: as the subject's
/// OU (`OU=agent`) and as a SAN URI (`ffrtmp://role/agent`); `role` reads the URI first, then the OU.
public struct CertificateInfo: Equatable, Sendable {
    /// The subject as an RFC 2253 string, most specific first (`CN=node-1,OU=agent,O=ffrtmp`).
    public var subject: String
    /// The issuer as an RFC 2253 string.
    public var issuer: String
    /// The subject's common name (the last CN when there are several), if any.
    public var commonName: String?
    /// The subject's organizational units, in certificate order.
    public var organizationalUnits: [String]
    /// SAN DNS names.
    public var dnsNames: [String]
    /// SAN IP addresses, printed as `inet_ntop` prints them.
    public var ipAddresses: [String]
    /// SAN URIs.
    public var uris: [String]
    /// SAN email addresses.
    public var emails: [String]
    /// Start of validity, seconds since the Unix epoch.
    public var notBefore: Int64
    /// End of validity, seconds since the Unix epoch.
    public var notAfter: Int64
    /// The serial number in hexadecimal.
    public var serialNumber: String
    /// Whether basicConstraints says CA:TRUE.
    public var isAuthority: Bool
    /// basicConstraints pathlen of a CA (nil when unlimited or not a CA).
    public var authorityPathLength: Int?
    /// extendedKeyUsage purposes among `serverAuth` and `clientAuth`; empty when the extension is absent.
    public var extendedKeyUsage: [String]

    /// The ffrtmp role: the path of the first `ffrtmp://role/<role>` SAN URI, else the first OU.
    public var role: String? {
        for uri in uris where uri.hasPrefix(CertificateIdentity.roleURIPrefix) {
            let role = String(uri.dropFirst(CertificateIdentity.roleURIPrefix.count))
            if !role.isEmpty { return role }
        }
        return organizationalUnits.first
    }

    /// Whether `seconds` (since the Unix epoch) lies within notBefore...notAfter.
    public func isValid(atSeconds seconds: Int64) -> Bool {
        notBefore <= seconds && seconds <= notAfter
    }

    /// Reads the first certificate of `pem`.
    public init(pem: String) throws(TLSError) {
        self = try CertificateObject.parse(pem: pem, source: "certificate text").info()
    }

    /// Reads everything from an OpenSSL certificate; `certificate` is borrowed, not freed.
    init(reading certificate: OpaquePointer) {
        let subjectName = X509_get_subject_name(certificate)
        subject = X509Text.name(subjectName)
        issuer = X509Text.name(X509_get_issuer_name(certificate))
        commonName = X509Text.entries(of: subjectName, nid: NID_commonName).last
        organizationalUnits = X509Text.entries(of: subjectName, nid: NID_organizationalUnitName)
        let names = X509Text.alternativeNames(of: certificate)
        dnsNames = names.dnsNames
        ipAddresses = names.ipAddresses
        uris = names.uris
        emails = names.emails
        notBefore = X509Text.seconds(X509_get0_notBefore(certificate))
        notAfter = X509Text.seconds(X509_get0_notAfter(certificate))
        serialNumber = X509Text.serialNumber(of: certificate)
        isAuthority = X509_get_extension_flags(certificate) & UInt32(EXFLAG_CA) != 0
        let pathLength = X509_get_pathlen(certificate)
        authorityPathLength = isAuthority && pathLength >= 0 ? Int(pathLength) : nil
        extendedKeyUsage = X509Text.extendedKeyUsage(of: certificate)
    }
}
