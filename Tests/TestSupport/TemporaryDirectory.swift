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

    /// Writes `text` to `relative` in this directory (its folders made), replacing what was there.
    public func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws(SupportError) {
        try write(relative, Array(text.utf8), mode: mode)
    }

    /// Writes `bytes` to `relative` in this directory (its folders made), replacing what was there.
    public func write(_ relative: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(SupportError) {
        let file = path + "/" + relative
        if relative.contains("/") { try DurableFiles.makeDirectories(DurableFiles.parent(of: file)) }
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SupportError("cannot create \(file)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw SupportError("short write to \(file)") }
        guard fchmod(descriptor, mode) == 0 else { throw SupportError("cannot chmod \(file)") }
    }

    deinit { try? DurableFiles.removeTree(path) }
}
