#if canImport(Glibc)
    import Glibc
#endif
import Support

/// Writing objects: chunks on a fresh `$O.<bucket>.C.<nuid>`, then the meta (rolled up over the old
/// one), then the old chunks purged, as nats.go's `Put` does; a failure before the meta is stored
/// purges the new chunks, so a failed put leaves the old object as it was.
extension ObjectStore {
    /// Stores the bytes `next` hands out (an empty array ends them) as `name`, in chunks of at most
    /// `chunkSize`; returns the stored meta.
    @discardableResult
    public func put(
        _ name: String, chunkSize: Int = defaultChunkSize, description: String? = nil,
        from next: () throws(ObjectStoreError) -> [UInt8]
    ) throws(ObjectStoreError) -> ObjectInfo {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        guard chunkSize > 0 else { throw .io("chunk size must be above zero") }
        var previous: ObjectInfo?
        do {
            previous = try info(name)
        } catch .objectNotFound {
            previous = nil
        }
        let nuid = Self.newNUID()
        let subject = chunkSubject(nuid)
        let digest = ObjectDigest()
        var size: UInt64 = 0
        var chunks = 0
        do throws(ObjectStoreError) {
            var pending: [UInt8] = []
            while true {
                let bytes = try next()
                if bytes.isEmpty && pending.isEmpty { break }
                pending += bytes
                while pending.count >= chunkSize || (bytes.isEmpty && !pending.isEmpty) {
                    let chunk = Array(pending.prefix(chunkSize))
                    pending.removeFirst(chunk.count)
                    try publishChunk(chunk, on: subject)
                    digest.update(chunk)
                    size += UInt64(chunk.count)
                    chunks += 1
                }
            }
            var info = ObjectInfo(
                name: name, bucket: bucket, nuid: nuid, size: size, chunks: chunks,
                mtime: Timestamp.rfc3339(nanoseconds: Timestamp.nowNanoseconds()), digest: digest.finishText(),
                options: ObjectInfo.Options(maxChunkSize: chunkSize))
            info.description = description
            try publishMeta(info)
            if let previous, !previous.deleted, previous.nuid != nuid {
                try? purge(subject: chunkSubject(previous.nuid))
            }
            return info
        } catch {
            try? purge(subject: subject)
            throw error
        }
    }

    /// Stores `bytes` as `name`.
    @discardableResult
    public func put(_ name: String, bytes: [UInt8], chunkSize: Int = defaultChunkSize) throws(ObjectStoreError)
        -> ObjectInfo
    {
        var remaining = bytes[...]
        return try put(name, chunkSize: chunkSize) { () throws(ObjectStoreError) -> [UInt8] in
            let chunk = Array(remaining.prefix(chunkSize))
            remaining = remaining.dropFirst(chunk.count)
            return chunk
        }
    }

    /// Stores the file at `path` as `name`, reading it a chunk at a time.
    @discardableResult
    public func put(_ name: String, filePath path: String, chunkSize: Int = defaultChunkSize) throws(ObjectStoreError)
        -> ObjectInfo
    {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        return try put(name, chunkSize: chunkSize) { () throws(ObjectStoreError) -> [UInt8] in
            let count = buffer.withUnsafeMutableBytes { raw in
                Syscall.retryingInterrupts { Glibc.read(descriptor, raw.baseAddress, raw.count) }
            }
            guard count >= 0 else { throw .io("cannot read \(path): \(String(cString: strerror(errno)))") }
            return Array(buffer.prefix(count))
        }
    }

    private func publishChunk(_ chunk: [UInt8], on subject: String) throws(ObjectStoreError) {
        do {
            try context.publish(subject, payload: chunk)
        } catch {
            throw .jetStream(error)
        }
    }

    /// 22 random base-62 characters, like a NATS NUID: a chunk subject no earlier put used.
    static func newNUID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
