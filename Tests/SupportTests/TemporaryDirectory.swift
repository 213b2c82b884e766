import Support

#if canImport(Glibc)
    import Glibc
#endif

/// A directory under /tmp for tests that need real files; removed with its files on deinit.
final class TemporaryDirectory {
    let path: String
    private var names: [String] = []

    init() throws(SupportError) {
        var template = Array("/tmp/ffrtmp-support-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SupportError("mkdtemp failed") }
        path = String(cString: created)
    }

    func write(_ name: String, _ text: String) throws(SupportError) {
        try write(name, Array(text.utf8))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws(SupportError) {
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SupportError("cannot create \(name)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw SupportError("short write to \(name)") }
        names.append(name)
    }

    deinit {
        for name in names { unlink(path + "/" + name) }
        rmdir(path)
    }
}
