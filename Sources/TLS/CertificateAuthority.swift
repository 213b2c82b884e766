import COpenSSL

/// A certificate authority: its self-signed certificate and private key, both PEM. Everything ffrtmp
/// issues is signed by one; brokers and clients trust its certificate (`tlscacert`).
public struct CertificateAuthority: Equatable, Sendable {
    /// The CA certificate (basicConstraints CA:TRUE, pathlen:0).
    public let certificatePEM: String
    /// The CA's private key (PKCS#8, unencrypted: keep it off the nodes, mode 0600).
    public let privateKeyPEM: String

    /// Checks that both parse, that the key belongs to the certificate and that it is a CA.
    public init(certificatePEM: String, privateKeyPEM: String) throws(TLSError) {
        try self.init(
            certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM,
            certificateSource: "CA certificate", keySource: "CA private key")
    }

    /// Reads and checks a CA written by `CertificateFiles`.
    public static func load(certificatePath: String, privateKeyPath: String) throws(TLSError) -> CertificateAuthority {
        try CertificateAuthority(
            certificatePEM: CertificateFiles.read(certificatePath),
            privateKeyPEM: CertificateFiles.read(privateKeyPath),
            certificateSource: certificatePath, keySource: privateKeyPath)
    }

    private init(
        certificatePEM: String, privateKeyPEM: String, certificateSource: String, keySource: String
    ) throws(TLSError) {
        let (certificate, _) = try Self.parse(
            certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM,
            certificateSource: certificateSource, keySource: keySource)
        guard certificate.info().isAuthority else {
            throw .certificate("\(certificateSource) is not a CA certificate (basicConstraints CA:TRUE missing)")
        }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// What the CA certificate says.
    public func info() throws(TLSError) -> CertificateInfo {
        try CertificateInfo(pem: certificatePEM)
    }

    /// The certificate and key as OpenSSL objects, checked to belong together.
    func objects() throws(TLSError) -> (certificate: CertificateObject, key: PrivateKeyObject) {
        try Self.parse(
            certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM,
            certificateSource: "CA certificate", keySource: "CA private key")
    }

    private static func parse(
        certificatePEM: String, privateKeyPEM: String, certificateSource: String, keySource: String
    ) throws(TLSError) -> (certificate: CertificateObject, key: PrivateKeyObject) {
        let certificate = try CertificateObject.parse(pem: certificatePEM, source: certificateSource)
        let key = try PrivateKeyObject.parse(pem: privateKeyPEM, source: keySource)
        OpenSSLErrors.clear()
        guard X509_check_private_key(certificate.pointer, key.pointer) == 1 else {
            throw .keyMismatch(
                certificatePath: certificateSource, keyPath: keySource, reason: OpenSSLErrors.drain())
        }
        return (certificate, key)
    }
}
