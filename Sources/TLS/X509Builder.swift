import COpenSSL

/// One certificate under construction (`X509 *`): each step is one checked OpenSSL call.
final class X509Builder {
    private let certificate: CertificateObject

    /// A version 3 certificate for `key`'s public half.
    init(key: PrivateKeyObject) throws(TLSError) {
        OpenSSLErrors.clear()
        guard let pointer = X509_new() else { throw OpenSSLErrors.failure("X509_new") }
        certificate = CertificateObject(taking: pointer)
        guard X509_set_version(pointer, 2) == 1 else { throw OpenSSLErrors.failure("X509_set_version") }
        guard X509_set_pubkey(pointer, key.pointer) == 1 else { throw OpenSSLErrors.failure("X509_set_pubkey") }
    }

    /// A random positive 128-bit serial number (RFC 5280 allows up to 20 bytes; CAs use at least 64 random bits).
    func setSerialNumber() throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw OpenSSLErrors.failure("RAND_bytes") }
        bytes[0] = (bytes[0] & 0x7F) | 0x40  // Positive and always 16 bytes long.
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw OpenSSLErrors.failure("BN_bin2bn") }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.pointer)) != nil else {
            throw OpenSSLErrors.failure("BN_to_ASN1_INTEGER")
        }
    }

    /// notBefore and notAfter as offsets in seconds from now.
    func setValidity(_ offsets: (notBefore: Int, notAfter: Int)) throws(TLSError) {
        guard X509_gmtime_adj(X509_getm_notBefore(certificate.pointer), offsets.notBefore) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate.pointer), offsets.notAfter) != nil
        else { throw OpenSSLErrors.failure("X509_gmtime_adj") }
    }

    /// Subject `OU=<unit>, CN=<name>` (printed most specific first: `CN=<name>,OU=<unit>`).
    func setSubject(commonName: String, organizationalUnit: String?) throws(TLSError) {
        guard let name = X509_NAME_new() else { throw OpenSSLErrors.failure("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        if let organizationalUnit { try add(organizationalUnit, nid: NID_organizationalUnitName, to: name) }
        try add(commonName, nid: NID_commonName, to: name)
        guard X509_set_subject_name(certificate.pointer, name) == 1 else {
            throw OpenSSLErrors.failure("X509_set_subject_name")
        }
    }

    /// The issuer's subject as this certificate's issuer; nil for self-signed.
    func setIssuer(_ issuer: CertificateObject?) throws(TLSError) {
        let issuerName = X509_get_subject_name((issuer ?? certificate).pointer)
        guard X509_set_issuer_name(certificate.pointer, issuerName) == 1 else {
            throw OpenSSLErrors.failure("X509_set_issuer_name")
        }
    }

    /// An extension given in OpenSSL's configuration syntax (`critical,CA:FALSE`); the value is one of
    /// this module's constants, never user text. `issuer` nil means self-signed.
    func addExtension(_ nid: Int32, _ value: String, issuer: CertificateObject?) throws(TLSError) {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, (issuer ?? certificate).pointer, certificate.pointer, nil, nil, 0)
        guard let ext = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
            throw OpenSSLErrors.failure("X509V3_EXT_nconf_nid(\(value))")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate.pointer, ext, -1) == 1 else { throw OpenSSLErrors.failure("X509_add_ext") }
    }

    /// subjectAltName built entry by entry (no text parsing, so no name can smuggle in another).
    func addAlternativeNames(dnsNames: [String], ipAddresses: [String], uris: [String]) throws(TLSError) {
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty || !uris.isEmpty else { return }
        guard let names = GENERAL_NAMES_new() else { throw OpenSSLErrors.failure("GENERAL_NAMES_new") }
        defer { GENERAL_NAMES_free(names) }
        for name in dnsNames { try push(try ia5(name), type: GEN_DNS, to: names) }
        for address in ipAddresses {
            guard let octets = a2i_IPADDRESS(address) else {
                OpenSSLErrors.clear()
                throw .certificate("not an IP address: \"\(address)\"")
            }
            try push(octets, type: GEN_IPADD, to: names)
        }
        for uri in uris { try push(try ia5(uri), type: GEN_URI, to: names) }
        guard X509_add1_ext_i2d(certificate.pointer, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, 0) == 1
        else { throw OpenSSLErrors.failure("X509_add1_ext_i2d(subjectAltName)") }
    }

    /// Signs with SHA-256 and hands over the finished certificate.
    func sign(with key: PrivateKeyObject) throws(TLSError) -> CertificateObject {
        guard X509_sign(certificate.pointer, key.pointer, EVP_sha256()) > 0 else {
            throw OpenSSLErrors.failure("X509_sign")
        }
        return certificate
    }

    private func add(_ value: String, nid: Int32, to name: OpaquePointer) throws(TLSError) {
        let bytes = Array(value.utf8)
        guard X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1 else {
            throw OpenSSLErrors.failure("X509_NAME_add_entry_by_NID(\(value))")
        }
    }

    private func ia5(_ text: String) throws(TLSError) -> UnsafeMutablePointer<ASN1_STRING> {
        guard let string = ASN1_IA5STRING_new() else { throw OpenSSLErrors.failure("ASN1_IA5STRING_new") }
        let bytes = Array(text.utf8)
        guard ASN1_STRING_set(string, bytes, Int32(bytes.count)) == 1 else {
            ASN1_IA5STRING_free(string)
            throw OpenSSLErrors.failure("ASN1_STRING_set")
        }
        return string
    }

    /// Wraps `value` (which it takes over) in a GENERAL_NAME of `type` and appends it to `names`.
    private func push(
        _ value: UnsafeMutablePointer<ASN1_STRING>, type: Int32, to names: OpaquePointer
    ) throws(TLSError) {
        guard let name = GENERAL_NAME_new() else {
            ASN1_STRING_free(value)
            throw OpenSSLErrors.failure("GENERAL_NAME_new")
        }
        GENERAL_NAME_set0_value(name, type, UnsafeMutableRawPointer(value))
        guard COpenSSL_generalNamesPush(names, name) == 1 else {
            GENERAL_NAME_free(name)  // Frees `value` too.
            throw OpenSSLErrors.failure("sk_GENERAL_NAME_push")
        }
    }
}
