#if canImport(Glibc)
    import Glibc
#endif

/// A growable byte buffer with separate read and write positions, backed by one malloc'd block.
///
/// Used for socket input (read into `writableBytes`, parse `readableBytes`, `consume`, `compact`)
/// and output (append frames, write `readableBytes`, `consume` what the kernel took). It is a class
/// so the memory is freed exactly once; it is not thread-safe: one owner at a time, or a lock.
public final class ByteBuffer {
    public private(set) var base: UnsafeMutableRawPointer
    public private(set) var capacity: Int
    public private(set) var readerIndex = 0
    public private(set) var writerIndex = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Bytes appended and not yet consumed.
    @inline(__always) public var readableCount: Int { writerIndex - readerIndex }
    @inline(__always) public var isEmpty: Bool { writerIndex == readerIndex }

    /// The unconsumed bytes; valid until the next mutation.
    @inline(__always) public var readableBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + readerIndex, count: writerIndex - readerIndex)
    }

    /// Free space after the written bytes, for `read(2)`; call `commitWritten` with what was filled.
    @inline(__always) public var writableBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base + writerIndex, count: capacity - writerIndex)
    }

    @inline(__always) public func commitWritten(_ count: Int) {
        precondition(count >= 0 && writerIndex + count <= capacity, "commitWritten past capacity")
        writerIndex += count
    }

    /// Marks `count` readable bytes as used; resets to the start when everything is consumed.
    @inline(__always) public func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "consume past readable bytes")
        readerIndex += count
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
    }

    public func clear() {
        readerIndex = 0
        writerIndex = 0
    }

    /// Moves unconsumed bytes to the start so the free space is contiguous.
    public func compact() {
        guard readerIndex > 0 else { return }
        let count = readableCount
        if count > 0 { memmove(base, base + readerIndex, count) }
        readerIndex = 0
        writerIndex = count
    }

    /// Ensures at least `count` bytes of free space after `writerIndex`, compacting or growing.
    @inline(__always) public func reserveWritable(_ count: Int) {
        if capacity - writerIndex >= count { return }
        growForWritable(count)
    }

    private func growForWritable(_ count: Int) {
        if readerIndex > 0 && capacity - readableCount >= count && readableCount < capacity / 2 {
            compact()
            return
        }
        compact()
        var newCapacity = capacity
        while newCapacity - writerIndex < count { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        if writerIndex > 0 { newBase.copyMemory(from: base, byteCount: writerIndex) }
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Gives memory back when the buffer grew large and is now empty.
    public func shrink(to target: Int) {
        guard isEmpty, capacity > target else { return }
        base.deallocate()
        capacity = max(target, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        readerIndex = 0
        writerIndex = 0
    }

    // MARK: appending

    @inline(__always) public func append(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0 else { return }
        reserveWritable(count)
        (base + writerIndex).copyMemory(from: bytes.baseAddress!, byteCount: count)
        writerIndex += count
    }

    @inline(__always) public func append(byte: UInt8) {
        reserveWritable(1)
        base.storeBytes(of: byte, toByteOffset: writerIndex, as: UInt8.self)
        writerIndex += 1
    }

    @inline(__always) public func append(_ text: StaticString) {
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
    @inline(__always) public func appendDecimal(_ value: Int) {
        reserveWritable(20)
        writerIndex += Decimal.write(value, to: base + writerIndex)
    }

    /// Copies the readable bytes out (for tests and slow paths).
    public func readableArray() -> [UInt8] { Array(readableBytes) }
}
