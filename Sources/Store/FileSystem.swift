/// An open file that the store reads and writes at explicit offsets.
///
/// All store I/O goes through this protocol and `FileSystem`, so tests can inject failures (a full
/// disk after the Nth write, a half-written record, a failing `fdatasync`). Implementations need not
/// be thread-safe: a store uses its files from one thread at a time.
public protocol StorageFile: AnyObject {
    /// The path the file was opened with, used in error messages.
    var path: String { get }
    /// Writes all of `bytes` at `offset` or throws; after a throw, any prefix may have been written.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError)
    /// Reads up to `buffer.count` bytes at `offset`; returns fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(StoreError) -> Int
    /// The current length of the file in bytes.
    func size() throws(StoreError) -> Int64
    /// Makes the written data durable (`fdatasync`).
    func synchronize() throws(StoreError)
    /// Cuts or extends the file to `size` bytes.
    func truncate(to size: Int64) throws(StoreError)
    /// Takes an exclusive advisory lock without waiting; false when someone else holds it.
    func tryLock() throws(StoreError) -> Bool
    /// Releases the descriptor; further calls are invalid.
    func close()
}

/// The directory operations the store needs; `PosixFileSystem` is the real one.
public protocol FileSystem: AnyObject {
    /// Opens `path` for reading and writing, creating it (mode 0640) when `creating` is true.
    func openFile(_ path: String, creating: Bool) throws(StoreError) -> any StorageFile
    /// Creates `path` and any missing parents (like `mkdir -p`), making new entries durable.
    func createDirectory(_ path: String) throws(StoreError)
    /// Names (not paths) of the entries in `path`, without "." and "..".
    func contentsOfDirectory(_ path: String) throws(StoreError) -> [String]
    /// True when `path` exists and is a directory.
    func isDirectory(_ path: String) -> Bool
    /// Unlinks a file.
    func removeFile(_ path: String) throws(StoreError)
    /// Removes an empty directory.
    func removeDirectory(_ path: String) throws(StoreError)
    /// Atomically replaces `destination` with `source`.
    func rename(_ source: String, to destination: String) throws(StoreError)
    /// Makes creations, renames and removals inside directory `path` durable (`fsync` on the directory).
    func synchronizeDirectory(_ path: String) throws(StoreError)
}

extension FileSystem {
    /// Removes `path` and everything below it; missing paths are not an error.
    public func removeRecursively(_ path: String) throws(StoreError) {
        guard isDirectory(path) else {
            do throws(StoreError) { try removeFile(path) } catch {
                if case .ioFailure(_, _, let code) = error, code == 2 { return }  // ENOENT
                throw error
            }
            return
        }
        for name in try contentsOfDirectory(path) { try removeRecursively(path + "/" + name) }
        try removeDirectory(path)
    }
}

/// Joins a directory and a name with one slash.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// The directory part of `path` ("." when there is none).
func parentDirectory(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
}
