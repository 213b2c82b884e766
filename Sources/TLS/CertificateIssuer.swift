import COpenSSL

/// Creates certificate authorities and issues leaf certificates: EC P-256 keys, SHA-256 signatures,
/// random 128-bit serial numbers.
///
/// Identity lives in two places the broker reads: the subject CN is the holder's name (its user), and
/// the role is written both as the subject's OU (`OU=agent`) and as a SAN URI (`ffrtmp://role/agent`).
/// Leaves get basicConstraints CA:FALSE, keyUsage digitalSignature and extendedKeyUsage serverAuth,
/// clientAuth or both; the CA gets CA:TRUE with pathlen:0 and keyUsage keyCertSign, cRLSign.
public enum CertificateIssuer {
    /// A new self-signed CA named `commonName`, valid for `validityDays` (from five minutes ago).
    public static func createAuthority(commonName: String, validityDays: Int = 3650) throws(TLSError)
        -> CertificateAuthority
    {
        try CertificateNames.validateCommonName(commonName)
        guard (1...36_500).contains(validityDays) else {
            throw .certificate("validity of \(validityDays) days is outside 1...36500")
        }
        let key = try PrivateKeyObject.generateP256()
        let builder = try X509Builder(key: key)
        try builder.setSerialNumber()
        try builder.setValidity(CertificateValidity.days(validityDays).offsets)
        try builder.setSubject(commonName: commonName, organizationalUnit: nil)
        try builder.setIssuer(nil)
        try builder.addExtension(NID_basic_constraints, "critical,CA:TRUE,pathlen:0", issuer: nil)
        try builder.addExtension(NID_key_usage, "critical,keyCertSign,cRLSign", issuer: nil)
        try builder.addExtension(NID_subject_key_identifier, "hash", issuer: nil)
        let certificate = try builder.sign(with: key)
        return try CertificateAuthority(certificatePEM: certificate.pem(), privateKeyPEM: key.pem())
    }

    /// A new key and certificate for `commonName` in `role`, signed by `authority`.
    public static func issue(
        commonName: String, role: String?, dnsNames: [String] = [], ipAddresses: [String] = [],
        validityDays: Int = 365, usage: CertificateUsage, signedBy authority: CertificateAuthority
    ) throws(TLSError) -> IssuedCertificate {
        let request = CertificateRequest(
            commonName: commonName, role: role, dnsNames: dnsNames, ipAddresses: ipAddresses, usage: usage,
            validity: .days(validityDays))
        return try issue(request, signedBy: authority)
    }

    /// A certificate as `request` describes, signed by `authority`, for a new key, or for the key in
    /// `keyPEM` (a renewal that keeps the holder's key).
    public static func issue(
        _ request: CertificateRequest, signedBy authority: CertificateAuthority, keyPEM: String? = nil
    ) throws(TLSError) -> IssuedCertificate {
        try request.validate()
        let (authorityCertificate, authorityKey) = try authority.objects()
        let key: PrivateKeyObject
        if let keyPEM {
            key = try PrivateKeyObject.parse(pem: keyPEM, source: "private key")
        } else {
            key = try PrivateKeyObject.generateP256()
        }
        let builder = try X509Builder(key: key)
        try builder.setSerialNumber()
        try builder.setValidity(request.validity.offsets)
        try builder.setSubject(commonName: request.commonName, organizationalUnit: request.role)
        try builder.setIssuer(authorityCertificate)
        try builder.addExtension(NID_basic_constraints, "critical,CA:FALSE", issuer: authorityCertificate)
        try builder.addExtension(NID_key_usage, "critical,digitalSignature", issuer: authorityCertificate)
        try builder.addExtension(NID_ext_key_usage, extendedKeyUsage(request.usage), issuer: authorityCertificate)
        try builder.addExtension(NID_subject_key_identifier, "hash", issuer: authorityCertificate)
        try builder.addExtension(NID_authority_key_identifier, "keyid:always", issuer: authorityCertificate)
        let uris = request.role.map { [CertificateIdentity.roleURI($0)] } ?? []
        try builder.addAlternativeNames(dnsNames: request.dnsNames, ipAddresses: request.ipAddresses, uris: uris)
        let certificate = try builder.sign(with: authorityKey)
        return IssuedCertificate(certificatePEM: try certificate.pem(), privateKeyPEM: try key.pem())
    }

    private static func extendedKeyUsage(_ usage: CertificateUsage) -> String {
        switch usage {
        case .server: "serverAuth"
        case .client: "clientAuth"
        case .both: "serverAuth,clientAuth"
        }
    }
}
