@testable import Store

/// The store's file system in memory, so each fuzz input opens a store without touching the disk.
/// Single-threaded, as a store uses its files; locks always succeed.
final class MemoryFileSystem: FileSystem {
    private(set) var files: [String: MemoryFile] = [:]
    private var directories: Set<String> = ["/"]

    /// Puts a file in place, creating its directory.
    func place(_ path: String, bytes: [UInt8]) {
        directories.insert(parentDirectory(of: path))
        files[path] = MemoryFile(path: path, bytes: bytes)
    }

    func openFile(_ path: String, creating: Bool) throws(StoreError) -> any StorageFile {
        if let file = files[path] { return file }
        guard creating, directories.contains(parentDirectory(of: path)) else { throw missing(path, "open") }
        let file = MemoryFile(path: path, bytes: [])
        files[path] = file
        return file
    }

    func createDirectory(_ path: String) throws(StoreError) {
        var current = path
        while current != "/" && current != "." {
            directories.insert(current)
            current = parentDirectory(of: current)
        }
    }

    func contentsOfDirectory(_ path: String) throws(StoreError) -> [String] {
        guard directories.contains(path) else { throw missing(path, "opendir") }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let entries = (Array(files.keys) + Array(directories)).filter {
            $0.hasPrefix(prefix) && $0.count > prefix.count && !$0.dropFirst(prefix.count).contains("/")
        }
        return entries.map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    func isDirectory(_ path: String) -> Bool { directories.contains(path) }

    func removeFile(_ path: String) throws(StoreError) {
        guard files.removeValue(forKey: path) != nil else { throw missing(path, "unlink") }
    }

    func removeDirectory(_ path: String) throws(StoreError) {
        guard directories.remove(path) != nil else { throw missing(path, "rmdir") }
    }

    func rename(_ source: String, to destination: String) throws(StoreError) {
        guard let file = files.removeValue(forKey: source) else { throw missing(source, "rename") }
        file.path = destination
        files[destination] = file
    }

    func synchronizeDirectory(_ path: String) throws(StoreError) {}

    private func missing(_ path: String, _ operation: String) -> StoreError {
        .ioFailure(operation: operation, path: path, code: 2)
    }
}

/// One file of `MemoryFileSystem`: its bytes.
final class MemoryFile: StorageFile {
    var path: String
    private(set) var bytes: [UInt8]

    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    func write(_ data: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) {
        let start = Int(offset)
        if bytes.count < start + data.count {
            bytes.append(contentsOf: repeatElement(0, count: start + data.count - bytes.count))
        }
        bytes.replaceSubrange(start..<start + data.count, with: data)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(StoreError) -> Int {
        let start = Int(offset)
        guard start < bytes.count else { return 0 }
        let count = min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + count]))
        }
        return count
    }

    func size() throws(StoreError) -> Int64 { Int64(bytes.count) }
    func synchronize() throws(StoreError) {}

    func truncate(to size: Int64) throws(StoreError) {
        let count = Int(size)
        if count < bytes.count {
            bytes.removeLast(bytes.count - count)
        } else {
            bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
        }
    }

    func tryLock() throws(StoreError) -> Bool { true }
    func close() {}
}
