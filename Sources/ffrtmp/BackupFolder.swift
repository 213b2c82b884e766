#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Support

/// The layout of a backup folder (`master.db`, `jetstream/`) and the file checks that `ffrtmp
/// backup` and `ffrtmp restore` share.
enum BackupFolder {
    static let databaseName = "master.db"
    static let storeName = "jetstream"

    static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Creates `path`, or accepts it when it is an empty folder.
    static func prepareEmpty(_ path: String) throws {
        if StreamStoreSnapshot.isDirectory(path) {
            guard try DurableFiles.list(path).isEmpty else { throw UsageError("--to \(path) is not empty") }
            return
        }
        guard access(path, F_OK) != 0 else { throw UsageError("--to \(path) is not a folder") }
        try DurableFiles.makeDirectories(path)
    }

    /// Moves `path` (and a database's `-wal`/`-shm` beside it) to `<path>.before-restore-<time>`;
    /// returns the new name, or nil when there was nothing.
    static func moveAside(_ path: String, companions: [String] = []) throws -> String? {
        guard access(path, F_OK) == 0 else { return nil }
        let aside = path + ".before-restore-\(time(nil))"
        for suffix in [""] + companions where access(path + suffix, F_OK) == 0 {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw SupportError("cannot move \(path + suffix) aside: \(String(cString: strerror(errno)))")
            }
        }
        try DurableFiles.syncDirectory(DurableFiles.parent(of: path))
        return aside
    }
}
