#if canImport(Glibc)
    import Glibc
#endif

/// Reading and writing PEM files: keys 0600, certificates 0644, never overwriting unless asked.
public enum CertificateFiles {
    /// Permissions for private keys: owner read/write only.
    public static let privateKeyMode: mode_t = 0o600
    /// Permissions for certificates: world-readable, they are public.
    public static let certificateMode: mode_t = 0o644

    /// Writes a private key with mode 0600.
    public static func writePrivateKey(_ pem: String, to path: String, overwrite: Bool = false) throws(TLSError) {
        try write(pem, to: path, mode: privateKeyMode, overwrite: overwrite)
    }

    /// Writes a certificate with mode 0644.
    public static func writeCertificate(_ pem: String, to path: String, overwrite: Bool = false) throws(TLSError) {
        try write(pem, to: path, mode: certificateMode, overwrite: overwrite)
    }

    /// Writes `text` to `path` with exactly `mode` (whatever the umask). Without `overwrite` an existing
    /// file is an error; with it the file is replaced atomically (written beside it, then renamed), so a
    /// reader never sees half a key. The new file has its final mode from the moment it exists.
    public static func write(_ text: String, to path: String, mode: mode_t, overwrite: Bool) throws(TLSError) {
        let target = overwrite ? "\(path).tmp-\(getpid())" : path
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        let descriptor = open(target, flags, mode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST && !overwrite {
                throw .file(path: path, reason: "already exists (refusing to overwrite it)")
            }
            throw .file(path: target, reason: "cannot create: \(SystemText.errorText(code))")
        }
        do throws(TLSError) {
            guard fchmod(descriptor, mode) == 0 else { throw failure("chmod", target) }
            try writeAll(Array(text.utf8), to: descriptor, path: target)
            guard fsync(descriptor) == 0 else { throw failure("fsync", target) }
        } catch {
            close(descriptor)
            unlink(target)
            throw error
        }
        close(descriptor)
        if overwrite && rename(target, path) != 0 {
            let error = failure("rename", path)
            unlink(target)
            throw error
        }
    }

    /// The whole file as text; a missing or unreadable file names its path and the reason.
    public static func read(_ path: String) throws(TLSError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > 1 << 20 { throw .file(path: path, reason: "larger than 1 MiB, not a PEM file") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What the first certificate in the PEM file at `path` says.
    public static func inspectCertificate(at path: String) throws(TLSError) -> CertificateInfo {
        try CertificateObject.parse(pem: read(path), source: path).info()
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(TLSError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    private static func failure(_ operation: String, _ path: String) -> TLSError {
        .file(path: path, reason: "cannot \(operation): \(SystemText.errorText(errno))")
    }
}
