#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL

/// Readers that turn parts of an OpenSSL certificate into Swift values. Every pointer is borrowed.
enum X509Text {
    /// Subject alternative names sorted by kind.
    struct AlternativeNames {
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        var uris: [String] = []
        var emails: [String] = []
    }

    /// `name` printed per RFC 2253 (UTF-8 kept), or "" when it cannot be printed.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, COpenSSL_nameFlagsRFC2253()) >= 0 else {
            OpenSSLErrors.clear()
            return ""
        }
        return MemoryBIO.contents(of: bio)
    }

    /// The values of every `nid` entry of `name`, in order, as UTF-8.
    static func entries(of name: OpaquePointer?, nid: Int32) -> [String] {
        guard let name else { return [] }
        var values: [String] = []
        var index: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            if index < 0 { break }
            if let entry = X509_NAME_get_entry(name, index),
                let text = utf8(UnsafePointer(X509_NAME_ENTRY_get_data(entry)))
            {
                values.append(text)
            }
        }
        return values
    }

    /// An ASN.1 string converted to UTF-8 by OpenSSL, or nil when it cannot be.
    static func utf8(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
        guard let string else { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&output, string)
        guard length >= 0, let output else {
            OpenSSLErrors.clear()
            return nil
        }
        defer { COpenSSL_free(output) }
        return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
    }

    /// The raw bytes of an IA5 string (DNS names, URIs, emails) as text.
    static func ascii(_ string: UnsafePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// The certificate's subject alternative names.
    static func alternativeNames(of certificate: OpaquePointer) -> AlternativeNames {
        var result = AlternativeNames()
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else {
            OpenSSLErrors.clear()
            return result
        }
        // Safe: X509_get_ext_d2i with NID_subject_alt_name returns a GENERAL_NAMES stack, which we own.
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        for index in 0..<COpenSSL_generalNamesCount(names) {
            guard let entry = COpenSSL_generalNameAt(names, index) else { continue }
            var type: Int32 = 0
            guard let value = GENERAL_NAME_get0_value(entry, &type) else { continue }
            // Safe: for the name types read here the value is an ASN1_STRING (IA5 or octet string).
            let string = UnsafePointer(value.assumingMemoryBound(to: ASN1_STRING.self))
            switch type {
            case GEN_DNS: result.dnsNames.append(ascii(string))
            case GEN_URI: result.uris.append(ascii(string))
            case GEN_EMAIL: result.emails.append(ascii(string))
            case GEN_IPADD: if let address = ipAddress(string) { result.ipAddresses.append(address) }
            default: break
            }
        }
        return result
    }

    /// An IP address SAN (4 or 16 raw bytes) printed by `inet_ntop`.
    static func ipAddress(_ string: UnsafePointer<ASN1_STRING>) -> String? {
        let length = Int(ASN1_STRING_length(string))
        guard let data = ASN1_STRING_get0_data(string), length == 4 || length == 16 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = length == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, data, &text, socklen_t(text.count)) != nil else { return nil }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// An ASN.1 time as seconds since the Unix epoch (0 when it cannot be read).
    static func seconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        guard let time else { return 0 }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            OpenSSLErrors.clear()
            return 0
        }
        return Int64(timegm(&parts))
    }

    /// `serverAuth` and `clientAuth` when the extendedKeyUsage extension lists them.
    static func extendedKeyUsage(of certificate: OpaquePointer) -> [String] {
        let flags = X509_get_extended_key_usage(certificate)
        guard flags != UInt32.max else { return [] }  // No extension: every purpose is allowed.
        var purposes: [String] = []
        if flags & UInt32(XKU_SSL_SERVER) != 0 { purposes.append("serverAuth") }
        if flags & UInt32(XKU_SSL_CLIENT) != 0 { purposes.append("clientAuth") }
        return purposes
    }

    /// The serial number in upper-case hexadecimal.
    static func serialNumber(of certificate: OpaquePointer) -> String {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nil) else {
            OpenSSLErrors.clear()
            return ""
        }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else {
            OpenSSLErrors.clear()
            return ""
        }
        defer { COpenSSL_free(hex) }
        return String(cString: hex)
    }
}
