import COpenSSL

/// An X.509 certificate owned by OpenSSL (`X509 *`), freed with this object.
final class CertificateObject {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// The first certificate in `pem`; `source` names where the text came from, for errors.
    static func parse(pem: String, source: String) throws(TLSError) -> CertificateObject {
        OpenSSLErrors.clear()
        return try MemoryBIO.reading(pem) { (bio) throws(TLSError) -> CertificateObject in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw .invalidPEM(path: source, reason: OpenSSLErrors.drain(fallback: "no certificate found"))
            }
            return CertificateObject(taking: certificate)
        }
    }

    /// The certificate as PEM text (`-----BEGIN CERTIFICATE-----`).
    func pem() throws(TLSError) -> String {
        try MemoryBIO.text(operation: "PEM_write_bio_X509") { PEM_write_bio_X509($0, pointer) }
    }

    /// What the certificate says: subject, names, validity.
    func info() -> CertificateInfo {
        CertificateInfo(reading: pointer)
    }
}
