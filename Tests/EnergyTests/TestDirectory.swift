import Energy

#if canImport(Glibc)
    import Glibc
#endif

/// A folder under /tmp for one test's fake files; removed with everything in it on deinit.
final class TestDirectory {
    let path: String

    init() {
        var template = Array("/tmp/ffrtmp-energy-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { preconditionFailure("mkdtemp failed: \(errno)") }
        path = String(cString: created)
    }

    /// Writes `text` to `relative` (folders created), replacing the file atomically so a reader
    /// never sees half of it.
    func write(_ relative: String, _ text: String, mode: mode_t = 0o644) {
        let full = path + "/" + relative
        makeFolders(String(full[..<full.lastIndex(of: "/")!]))
        let temporary = full + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        precondition(descriptor >= 0, "cannot create \(temporary): \(errno)")
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write to \(temporary)")
        precondition(close(descriptor) == 0 && rename(temporary, full) == 0, "cannot write \(full)")
        precondition(chmod(full, mode) == 0, "cannot chmod \(full)")
    }

    func makeFolders(_ full: String) {
        var current = ""
        for part in full.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 { precondition(errno == EEXIST, "mkdir \(current): \(errno)") }
        }
    }

    func link(_ relative: String, to target: String) {
        precondition(symlink(target, path + "/" + relative) == 0, "symlink \(relative): \(errno)")
    }

    func remove(_ relative: String) {
        removeTree(path + "/" + relative)
    }

    deinit { removeTree(path) }

    private func removeTree(_ full: String) {
        var status = stat()
        guard lstat(full, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            for name in LiveSystemFiles().list(full) ?? [] { removeTree(full + "/" + name) }
            rmdir(full)
        } else {
            unlink(full)
        }
    }
}

/// Wraps the real files and answers "permission denied" for chosen paths: the tests run as
/// root, where `chmod 000` stops no read.
struct DenyingFiles: SystemFileReading {
    let denied: @Sendable (String) -> Bool
    let base = LiveSystemFiles()

    func read(_ path: String) -> FileReadResult { denied(path) ? .permissionDenied : base.read(path) }
    func list(_ path: String) -> [String]? { base.list(path) }
}
