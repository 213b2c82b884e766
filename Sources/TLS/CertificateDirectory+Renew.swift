import Support

/// `ffrtmp certs renew`: the same holder, role and names, a fresh validity from the CA.
extension CertificateDirectory {
    /// Re-issues `NAME.pem` from this directory's CA with the same subject CN, role, DNS names and IP
    /// addresses, valid from now for `days` (nil: as long as the old one was). The private key stays
    /// unless `newKey`; then a new one replaces `NAME-key.pem` first. Each file is replaced atomically,
    /// so a broker reloading meanwhile reads either the old or the new file, never half of one.
    public func renew(name: String, newKey: Bool, days: Int?) throws(SupportError) -> CertificateReport {
        try Self.validateFileName(name)
        let old = try CertificateReport(path: certificatePath(name)).info
        var keyPEM: String?
        if !newKey { keyPEM = try tls { () throws(TLSError) in try CertificateFiles.read(keyPath(name)) } }
        let request = CertificateRequest(
            commonName: old.commonName ?? name, role: old.role, dnsNames: old.dnsNames, ipAddresses: old.ipAddresses,
            usage: Self.usage(of: old), validity: .days(days ?? Self.validityDays(of: old)))
        let authority = try loadAuthority()
        let issued = try tls { () throws(TLSError) in
            try CertificateIssuer.issue(request, signedBy: authority, keyPEM: keyPEM)
        }
        try tls { () throws(TLSError) in
            if newKey { try CertificateFiles.writePrivateKey(issued.privateKeyPEM, to: keyPath(name), overwrite: true) }
            try CertificateFiles.writeCertificate(issued.certificatePEM, to: certificatePath(name), overwrite: true)
        }
        return try CertificateReport(path: certificatePath(name))
    }

    /// The old certificate's role decides (a broker's is server and client); else its extendedKeyUsage.
    private static func usage(of certificate: CertificateInfo) -> CertificateUsage {
        if let role = certificate.role.flatMap(CertificateRole.init(rawValue:)) { return role.usage }
        let server = certificate.extendedKeyUsage.contains("serverAuth")
        let client = certificate.extendedKeyUsage.contains("clientAuth")
        return server && client ? .both : server ? .server : .client
    }

    /// The old certificate's validity in whole days (less the clock-skew allowance), within 1...36500.
    private static func validityDays(of certificate: CertificateInfo) -> Int {
        let seconds = certificate.notAfter - certificate.notBefore - Int64(CertificateValidity.clockSkewSeconds)
        return Int(min(36_500, max(1, (seconds + 43_200) / 86_400)))
    }
}
