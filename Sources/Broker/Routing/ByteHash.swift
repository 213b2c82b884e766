/// A fast, non-cryptographic 64-bit hash of short byte strings (tokens and subjects) for the
/// routing hash tables; 8 bytes per step, one 64×64→128-bit multiply each (a wyhash-style mix).
///
/// The seed is random per process, so a client cannot precompute subjects that collide in the
/// server's tables. Never 0: the tables use 0 to mark an empty slot.
enum ByteHash {
    private static let seed = UInt64.random(in: 1...UInt64.max)

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        hash(bytes, seed: seed)
    }

    /// The hash with an explicit seed (the tables use `hash(_:)`; tests may fix the seed).
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        var state = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)
        if count > 0 {
            let base = bytes.baseAddress!
            var offset = 0
            while offset + 8 <= count {
                // Unaligned 8-byte read inside the buffer: offset + 8 <= count.
                state = mix(state ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self), 0xA076_1D64_78BD_642F)
                offset += 8
            }
            if offset < count {
                state = mix(state ^ tail(base + offset, count: count - offset), 0xE703_7ED1_A0B4_28DB)
            }
        }
        let result = mix(state, 0x8EBC_6AF0_9C88_C6E3)
        return result == 0 ? 1 : result
    }

    /// Folds the 128-bit product of two words into 64 bits.
    @inline(__always) private static func mix(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
    }

    /// The last 1 to 7 bytes as one little-endian word.
    @inline(__always) private static func tail(_ start: UnsafeRawPointer, count: Int) -> UInt64 {
        var word: UInt64 = 0
        for index in 0..<count {
            word |= UInt64(start.load(fromByteOffset: index, as: UInt8.self)) << UInt64(index * 8)
        }
        return word
    }
}
