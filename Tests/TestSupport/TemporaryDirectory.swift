import Support

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp (`mkdtemp`, mode 0700) for one test's files; removed with
/// everything in it on deinit.
public final class TemporaryDirectory {
    public let path: String

    /// Makes `/tmp/<prefix>-XXXXXX`.
    public init(prefix: String = "ffrtmp-test") throws(SupportError) {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SupportError("mkdtemp /tmp/\(prefix)-XXXXXX failed") }
        path = String(cString: created)
    }

    /// Writes `text` to the file `name` in this directory, replacing what was there.
    public func write(_ name: String, _ text: String) throws(SupportError) {
        try write(name, Array(text.utf8))
    }

    /// Writes `bytes` to the file `name` in this directory, replacing what was there.
    public func write(_ name: String, _ bytes: [UInt8]) throws(SupportError) {
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SupportError("cannot create \(name)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw SupportError("short write to \(name)") }
    }

    deinit { try? DurableFiles.removeTree(path) }
}
