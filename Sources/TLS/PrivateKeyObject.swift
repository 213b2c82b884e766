import COpenSSL

/// A private key owned by OpenSSL (`EVP_PKEY *`), freed with this object.
final class PrivateKeyObject {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh EC key on P-256.
    static func generateP256() throws(TLSError) -> PrivateKeyObject {
        OpenSSLErrors.clear()
        guard let key = COpenSSL_generateP256Key() else { throw OpenSSLErrors.failure("EVP_EC_gen(P-256)") }
        return PrivateKeyObject(taking: key)
    }

    /// The first private key in `pem` (PKCS#8 or traditional). Encrypted keys are refused rather than
    /// prompting for a passphrase. `source` names where the text came from, for errors.
    static func parse(pem: String, source: String) throws(TLSError) -> PrivateKeyObject {
        OpenSSLErrors.clear()
        return try MemoryBIO.reading(pem) { (bio) throws(TLSError) -> PrivateKeyObject in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, COpenSSL_noPassphrase, nil) else {
                throw .invalidPEM(path: source, reason: OpenSSLErrors.drain(fallback: "no private key found"))
            }
            return PrivateKeyObject(taking: key)
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    func pem() throws(TLSError) -> String {
        try MemoryBIO.text(operation: "PEM_write_bio_PrivateKey") {
            PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil)
        }
    }
}
