import CSystem
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// The real file system: Glibc `open`/`pwrite`/`pread`/`fdatasync`/`ftruncate`/`flock`, each call
/// retried on EINTR and turned into a `StoreError` naming the call and the path.
public final class PosixFileSystem: FileSystem {
    public init() {}

    public func openFile(_ path: String, creating: Bool) throws(StoreError) -> any StorageFile {
        let flags = O_RDWR | O_CLOEXEC | (creating ? O_CREAT : 0)
        let descriptor = try retrying("open", path) { open(path, flags, 0o640) }
        return PosixFile(path: path, descriptor: descriptor)
    }

    public func createDirectory(_ path: String) throws(StoreError) {
        if isDirectory(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path { try createDirectory(parent) }
        if mkdir(path, 0o750) != 0 {
            let code = CSystem_errno()
            if code == EEXIST, isDirectory(path) { return }
            throw StoreError.failure("mkdir", path: path, code: code)
        }
        try synchronizeDirectory(parent)
    }

    public func contentsOfDirectory(_ path: String) throws(StoreError) -> [String] {
        guard let directory = opendir(path) else {
            throw StoreError.failure("opendir", path: path, code: CSystem_errno())
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            // d_name is a fixed-size, NUL-terminated C array inside the dirent that readdir returned.
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func isDirectory(_ path: String) -> Bool {
        var information = stat()
        guard stat(path, &information) == 0 else { return false }
        return (information.st_mode & S_IFMT) == S_IFDIR
    }

    public func removeFile(_ path: String) throws(StoreError) {
        _ = try retrying("unlink", path) { unlink(path) }
    }

    public func removeDirectory(_ path: String) throws(StoreError) {
        _ = try retrying("rmdir", path) { rmdir(path) }
    }

    public func rename(_ source: String, to destination: String) throws(StoreError) {
        _ = try retrying("rename to \(destination)", source) { Glibc.rename(source, destination) }
    }

    public func synchronizeDirectory(_ path: String) throws(StoreError) {
        let descriptor = try retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { Glibc.close(descriptor) }
        _ = try retrying("fsync", path) { fsync(descriptor) }
    }
}

/// One open descriptor of `PosixFileSystem`.
final class PosixFile: StorageFile {
    let path: String
    private var descriptor: Int32

    init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let result = Syscall.retryingInterrupts {
                pwrite(descriptor, base + written, bytes.count - written, off_t(offset) + off_t(written))
            }
            if result < 0 { throw StoreError.failure("pwrite", path: path, code: CSystem_errno()) }
            // pwrite returning 0 for a non-empty request only happens on a full device.
            if result == 0 { throw StoreError.diskFull(path: path) }
            written += result
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(StoreError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let result = Syscall.retryingInterrupts {
                pread(descriptor, base + total, buffer.count - total, off_t(offset) + off_t(total))
            }
            if result < 0 { throw StoreError.failure("pread", path: path, code: CSystem_errno()) }
            if result == 0 { break }
            total += result
        }
        return total
    }

    func size() throws(StoreError) -> Int64 {
        let end = lseek(descriptor, 0, SEEK_END)
        if end < 0 { throw StoreError.failure("lseek", path: path, code: CSystem_errno()) }
        return Int64(end)
    }

    func synchronize() throws(StoreError) {
        let descriptor = self.descriptor
        _ = try retrying("fdatasync", path) { fdatasync(descriptor) }
    }

    func truncate(to size: Int64) throws(StoreError) {
        let descriptor = self.descriptor
        _ = try retrying("ftruncate", path) { ftruncate(descriptor, off_t(size)) }
    }

    func tryLock() throws(StoreError) -> Bool {
        let descriptor = self.descriptor
        if Syscall.retryingInterrupts({ flock(descriptor, LOCK_EX | LOCK_NB) }) == 0 { return true }
        let code = CSystem_errno()
        if code == EWOULDBLOCK { return false }
        throw StoreError.failure("flock", path: path, code: code)
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// Runs a system call through `Syscall`, turning -1 into a `StoreError` naming `operation` and `path`.
private func retrying(_ operation: String, _ path: String, _ call: () -> Int32) throws(StoreError) -> Int32 {
    let result = Syscall.retryingInterrupts(call)
    if result < 0 { throw StoreError.failure(operation, path: path, code: CSystem_errno()) }
    return result
}
