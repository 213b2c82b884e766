#if canImport(Glibc)
    import Glibc
#endif

/// A growable byte buffer with separate read and write positions, backed by one malloc'd block.
///
/// It grows with `realloc`, so a large block (one glibc maps on its own) is moved by remapping its
/// pages rather than copied into a second block: growing a 32 MiB output buffer does not hold 96 MiB.
///
/// Used for socket input (read into `writableBytes`, parse `readableBytes`, `consume`, `compact`)
/// and output (append frames, write `readableBytes`, `consume` what the kernel took). It is a class
/// so the memory is freed exactly once; it is not thread-safe: one owner at a time, or a lock.
public final class ByteBuffer {
    // The state is `@usableFromInline` so that the small accessors below can be `@inlinable`: the
    // encoders and parsers in Wire, Broker and Client call them per message from other modules.
    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var storedCapacity: Int
    @usableFromInline var reader = 0
    @usableFromInline var writer = 0

    /// The start of the block.
    public var base: UnsafeMutableRawPointer { storage }
    /// The size of the block.
    public var capacity: Int { storedCapacity }
    /// Where the readable bytes start.
    public var readerIndex: Int { reader }
    /// Where the readable bytes end and the free space starts.
    public var writerIndex: Int { writer }

    public init(capacity: Int = 4096) {
        storedCapacity = max(capacity, 16)
        storage = Self.allocate(storedCapacity)
    }

    deinit { free(storage) }

    /// malloc's blocks are 16-byte aligned on the platforms this runs on; out of memory is fatal, as
    /// for any Swift allocation.
    private static func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        guard let block = malloc(count) else { fatalError("out of memory allocating \(count) bytes") }
        return block
    }

    /// Bytes appended and not yet consumed.
    @inlinable @inline(__always) public var readableCount: Int { writer - reader }
    @inlinable @inline(__always) public var isEmpty: Bool { writer == reader }

    /// The unconsumed bytes; valid until the next mutation.
    @inlinable @inline(__always) public var readableBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + reader, count: writer - reader)
    }

    /// Free space after the written bytes, for `read(2)`; call `commitWritten` with what was filled.
    @inlinable @inline(__always) public var writableBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: storage + writer, count: storedCapacity - writer)
    }

    @inlinable @inline(__always) public func commitWritten(_ count: Int) {
        precondition(count >= 0 && writer + count <= storedCapacity, "commitWritten past capacity")
        writer += count
    }

    /// Marks `count` readable bytes as used; resets to the start when everything is consumed.
    @inlinable @inline(__always) public func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "consume past readable bytes")
        reader += count
        if reader == writer {
            reader = 0
            writer = 0
        }
    }

    public func clear() {
        reader = 0
        writer = 0
    }

    /// Moves unconsumed bytes to the start so the free space is contiguous.
    public func compact() {
        guard reader > 0 else { return }
        let count = readableCount
        if count > 0 { memmove(storage, storage + reader, count) }
        reader = 0
        writer = count
    }

    /// Ensures at least `count` bytes of free space after `writerIndex`, compacting or growing.
    @inlinable @inline(__always) public func reserveWritable(_ count: Int) {
        if storedCapacity - writer >= count { return }
        growForWritable(count)
    }

    @usableFromInline func growForWritable(_ count: Int) {
        if reader > 0 && storedCapacity - readableCount >= count && readableCount < storedCapacity / 2 {
            compact()
            return
        }
        compact()
        var newCapacity = storedCapacity
        while newCapacity - writer < count { newCapacity *= 2 }
        guard let grown = realloc(storage, newCapacity) else {
            fatalError("out of memory growing a buffer to \(newCapacity) bytes")
        }
        storage = grown
        storedCapacity = newCapacity
    }

    /// Gives memory back when the buffer grew large and is now empty.
    public func shrink(to target: Int) {
        guard isEmpty, storedCapacity > target else { return }
        free(storage)
        storedCapacity = max(target, 16)
        storage = Self.allocate(storedCapacity)
        reader = 0
        writer = 0
    }

    // MARK: appending

    @inlinable @inline(__always) public func append(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0 else { return }
        reserveWritable(count)
        (storage + writer).copyMemory(from: bytes.baseAddress!, byteCount: count)
        writer += count
    }

    @inlinable @inline(__always) public func append(byte: UInt8) {
        reserveWritable(1)
        storage.storeBytes(of: byte, toByteOffset: writer, as: UInt8.self)
        writer += 1
    }

    @inlinable @inline(__always) public func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public func append(string: String) {
        var string = string
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `value` in decimal (no allocation).
    @inlinable @inline(__always) public func appendDecimal(_ value: Int) {
        reserveWritable(20)
        writer += Decimal.write(value, to: storage + writer)
    }

    /// Copies the readable bytes out (for tests and slow paths).
    public func readableArray() -> [UInt8] { Array(readableBytes) }
}
