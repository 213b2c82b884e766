/// A certificate and its private key, both PEM.
public struct IssuedCertificate: Equatable, Sendable {
    /// `-----BEGIN CERTIFICATE-----`.
    public let certificatePEM: String
    /// `-----BEGIN PRIVATE KEY-----` (PKCS#8, unencrypted: protect the file, mode 0600).
    public let privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// What the certificate says.
    public func info() throws(TLSError) -> CertificateInfo {
        try CertificateInfo(pem: certificatePEM)
    }
}
