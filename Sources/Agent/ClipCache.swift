import Client
import Model
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// The clips this agent fetched from the `clips` object store bucket, one file per content, named by
/// its SHA-256 (base64url), in a folder of the work directory the leftover sweep spares (`.clips`).
/// A clip is fetched once and checked against its digest before it is kept; later jobs on the same
/// content reuse the file. The folder is bounded: before a fetch, the least recently used files go
/// until the new clip fits.
///
/// `@unchecked Sendable`: `lock` serializes every fetch and eviction (two jobs on one clip fetch it once).
public final class ClipCache: @unchecked Sendable {
    public let directory: String
    /// Bytes the folder holds at most; a clip larger than this is refused.
    public let maximumBytes: UInt64
    private let lock = Lock()

    public init(directory: String, maximumBytes: UInt64) {
        self.directory = directory
        self.maximumBytes = maximumBytes
    }

    /// A clip ready to run: its file and its verified digest.
    public struct Clip: Sendable, Equatable {
        public var path: String
        public var digest: String
        /// Whether this call fetched it (false: it was already cached).
        public var fetched: Bool
    }

    /// The cached file of `name`'s current content, fetched from `store` when not cached yet;
    /// `progress` runs after each chunk fetched.
    public func clip(named name: String, from store: ObjectStore, progress: () -> Void = {}) throws(ObjectStoreError)
        -> Clip
    {
        try lock.withLock { () throws(ObjectStoreError) -> Clip in
            try DurableFiles.makeDirectoriesForCache(directory)
            let info = try store.info(name)
            guard let hash = ObjectDigest.hash(of: info.digest) else { throw .badMeta("bad digest \"\(info.digest)\"") }
            let path = directory + "/" + Base64URL.encode(hash)
            if let size = Self.fileSize(path), size == info.size {
                utime(path, nil)  // Marks it recently used.
                return Clip(path: path, digest: ObjectDigest.text(hash), fetched: false)
            }
            guard info.size <= maximumBytes else {
                throw .tooLarge(name: name, size: info.size, limit: maximumBytes)
            }
            evict(toFit: info.size)
            let fetching = directory + "/.fetch-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let stored = try store.get(name, toFile: fetching, maxSize: maximumBytes, progress: progress)
            // The object may have been replaced since `info`: name the file by what was read and verified.
            guard let storedHash = ObjectDigest.hash(of: stored.digest) else {
                unlink(fetching)
                throw .badMeta("bad digest \"\(stored.digest)\"")
            }
            let final = directory + "/" + Base64URL.encode(storedHash)
            guard rename(fetching, final) == 0 else {
                unlink(fetching)
                throw .io("cannot rename \(fetching) to \(final): \(String(cString: strerror(errno)))")
            }
            return Clip(path: final, digest: ObjectDigest.text(storedHash), fetched: true)
        }
    }

    /// Removes the least recently used clips until `incoming` more bytes fit under `maximumBytes`.
    /// Files a running job still reads stay readable to it (unlinked, not truncated).
    private func evict(toFit incoming: UInt64) {
        var files = entries()
        var total = files.reduce(UInt64(0)) { $0 + $1.size }
        files.sort { $0.usedAt < $1.usedAt }
        for file in files where total + incoming > maximumBytes {
            if unlink(file.path) == 0 { total -= file.size }
        }
    }

    /// The cached files (partial fetches included, as the oldest), with their sizes and last use.
    private func entries() -> [(path: String, size: UInt64, usedAt: Int)] {
        guard let folder = opendir(directory) else { return [] }
        defer { closedir(folder) }
        var found: [(path: String, size: UInt64, usedAt: Int)] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            var info = stat()
            let path = directory + "/" + name
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append((path, UInt64(max(0, info.st_size)), name.hasPrefix(".") ? 0 : Int(info.st_mtim.tv_sec)))
        }
        return found
    }

    private static func fileSize(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return UInt64(max(0, info.st_size))
    }
}

extension DurableFiles {
    /// `makeDirectories`, its error as an object store I/O error.
    fileprivate static func makeDirectoriesForCache(_ path: String) throws(ObjectStoreError) {
        do {
            try makeDirectories(path)
        } catch {
            throw .io("cannot make the clip cache \(path): \(error)")
        }
    }
}
