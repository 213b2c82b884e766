import COpenSSL

/// Short-lived OpenSSL memory BIOs for turning PEM text into objects and back.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `text`'s UTF-8 bytes (no copy into OpenSSL).
    static func reading<Result>(
        _ text: String, _ body: (OpaquePointer) throws(TLSError) -> Result
    ) throws(TLSError) -> Result {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0] }  // BIO_new_mem_buf rejects a null pointer; length 0 below.
        let length = text.utf8.count
        let bio: OpaquePointer? = bytes.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32(length)) }
        guard let bio else { throw OpenSSLErrors.failure("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        // Safe: `bytes` outlives the BIO, which is freed above before this function returns.
        return try withExtendedLifetime(bytes) { () throws(TLSError) -> Result in try body(bio) }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote as text. `write` returns
    /// OpenSSL's status; anything but a positive value throws with `operation` and the error queue.
    static func text(operation: String, _ write: (OpaquePointer) -> Int32) throws(TLSError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) > 0 else { throw OpenSSLErrors.failure(operation) }
        return contents(of: bio)
    }

    /// The readable bytes of a memory BIO as UTF-8 text, without consuming them.
    static func contents(of bio: OpaquePointer) -> String {
        var data: UnsafeMutablePointer<CChar>?
        let count = COpenSSL_memoryData(bio, &data)
        guard count > 0, let data else { return "" }
        // Safe: OpenSSL reports `count` readable bytes at `data`, valid until the BIO changes.
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        return String(decoding: bytes, as: UTF8.self)
    }
}
