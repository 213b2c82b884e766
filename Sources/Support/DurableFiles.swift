#if canImport(Glibc)
    import Glibc
#endif

/// Small file-system helpers for state that must survive a crash: atomic replacement (write a
/// temporary file, fsync it, rename it over the old one, fsync the folder), folder listing and
/// recursive removal. No Foundation.
public enum DurableFiles {
    /// Creates `path` and its parents (mode 0750) when missing.
    public static func makeDirectories(_ path: String) throws(SupportError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o750) != 0 && errno != EEXIST {
                throw SupportError("cannot create folder \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Replaces the file at `path` with `bytes` so that a crash leaves either the old or the new
    /// content, never a mix.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(SupportError) {
        let temporary = path + ".tmp"
        let fd: Int32
        do {
            fd = try Syscall.run("create") { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640) }
        } catch {
            throw failure(error, temporary)
        }
        do {
            try Syscall.writeAll(fd, bytes)
            _ = try Syscall.run("fsync") { fsync(fd) }
        } catch {
            close(fd)
            unlink(temporary)
            throw failure(error, temporary)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw failure("rename", path) }
        try syncDirectory(parent(of: path))
    }

    /// The whole file, or nil when it does not exist; throws when it holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(SupportError) -> [UInt8]? {
        do {
            return try FileContents.read(path, limit: limit)
        } catch .system(let error) where error.code == ENOENT {
            return nil
        } catch .system(let error) {
            throw failure(error, path)
        } catch {
            throw SupportError("\(error)")
        }
    }

    /// Names in a folder (without `.` and `..`); empty when the folder does not exist.
    public static func list(_ path: String) throws(SupportError) -> [String] {
        guard let folder = opendir(path) else {
            if errno == ENOENT { return [] }
            throw failure("open folder", path)
        }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file or a folder with everything in it; nothing when it does not exist.
    public static func removeTree(_ path: String) throws(SupportError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw failure("stat", path)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            for name in try list(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw failure("remove folder", path) }
        } else {
            guard unlink(path) == 0 else { throw failure("remove", path) }
        }
    }

    /// fsyncs a folder so a rename or removal in it is durable.
    public static func syncDirectory(_ path: String) throws(SupportError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open folder", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync folder", path) }
    }

    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func failure(_ operation: String, _ path: String) -> SupportError {
        failure(SystemError(operation, code: errno), path)
    }

    /// "cannot <call> <path>: <reason>", the message every failure here has.
    private static func failure(_ error: SystemError, _ path: String) -> SupportError {
        SupportError("cannot \(error.call) \(path): \(error.reason)")
    }
}
