#if canImport(Glibc)
    import Glibc
#endif
import Support

/// Reading objects: the meta, then its chunks in order through an ordered consumer, each checked
/// against the meta's size and count and all of them against its digest.
extension ObjectStore {
    /// Hands `name`'s bytes to `write` a chunk at a time and returns its meta once every chunk arrived
    /// and the digest matched. `.tooLarge` before anything is read when the meta states more than
    /// `maxSize` bytes; `.digestMismatch` after the last chunk when the bytes are not the ones stored
    /// (the caller must then discard what `write` got); `.incomplete` when chunks stop arriving for
    /// `timeout` or do not add up to the meta.
    @discardableResult
    public func get(
        _ name: String, maxSize: UInt64, timeout: Duration = .seconds(10),
        into write: ([UInt8]) throws(ObjectStoreError) -> Void
    ) throws(ObjectStoreError) -> ObjectInfo {
        let info = try info(name)
        guard info.size <= maxSize else { throw .tooLarge(name: name, size: info.size, limit: maxSize) }
        guard let expected = ObjectDigest.hash(of: info.digest) else { throw .badMeta("bad digest \"\(info.digest)\"") }
        let digest = ObjectDigest()
        var size: UInt64 = 0
        var chunks = 0
        if info.chunks > 0 {
            let reader = JetStreamOrderedConsumer(context: context, stream: stream, filter: chunkSubject(info.nuid))
            try Self.drain(reader, timeout: timeout, what: "object \(name)") { message throws(ObjectStoreError) in
                size += UInt64(message.payload.count)
                chunks += 1
                guard size <= info.size, chunks <= info.chunks else {
                    throw .incomplete("\"\(name)\" has more data than its meta states (\(info.size) bytes)")
                }
                digest.update(message.payload)
                try write(message.payload)
            }
        }
        guard size == info.size, chunks == info.chunks else {
            throw .incomplete(
                "\"\(name)\": read \(size) bytes in \(chunks) chunks, meta states \(info.size) in \(info.chunks)")
        }
        let actual = digest.finish()
        guard actual == expected else {
            throw .digestMismatch(name: name, expected: info.digest, actual: ObjectDigest.text(actual))
        }
        return info
    }

    /// `name`'s bytes, at most `maxSize`.
    public func get(_ name: String, maxSize: UInt64) throws(ObjectStoreError) -> (info: ObjectInfo, bytes: [UInt8]) {
        var bytes: [UInt8] = []
        let info = try get(name, maxSize: maxSize) { (chunk: [UInt8]) throws(ObjectStoreError) in bytes += chunk }
        return (info, bytes)
    }

    /// Writes `name` to `path`: into `path.partial` first, renamed over `path` only once the digest
    /// matched, so `path` never holds a partial or corrupt object. `progress` runs after each chunk
    /// written (a long download can tell someone it is still alive).
    @discardableResult
    public func get(
        _ name: String, toFile path: String, maxSize: UInt64, timeout: Duration = .seconds(10),
        progress: () -> Void = {}
    ) throws(ObjectStoreError) -> ObjectInfo {
        let partial = path + ".partial"
        let descriptor = Glibc.open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot create \(partial): \(String(cString: strerror(errno)))") }
        var closed = false
        defer {
            if !closed { Glibc.close(descriptor) }
        }
        do throws(ObjectStoreError) {
            let info = try get(name, maxSize: maxSize, timeout: timeout) { (chunk: [UInt8]) throws(ObjectStoreError) in
                do {
                    try Syscall.writeAll(descriptor, chunk)
                } catch {
                    throw .io("cannot write \(partial): \(error)")
                }
                progress()
            }
            closed = true
            guard Glibc.close(descriptor) == 0 else {
                throw .io("cannot write \(partial): \(String(cString: strerror(errno)))")
            }
            guard rename(partial, path) == 0 else {
                throw .io("cannot rename \(partial) to \(path): \(String(cString: strerror(errno)))")
            }
            return info
        } catch {
            unlink(partial)
            throw error
        }
    }
}
