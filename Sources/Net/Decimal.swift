/// Allocation-free decimal formatting and parsing for protocol numbers.
public enum Decimal {
    /// Writes `value` at `destination` and returns how many bytes it used (at most 20).
    @inlinable @inline(__always)
    public static func write(_ value: Int, to destination: UnsafeMutableRawPointer) -> Int {
        if value < 0 {
            destination.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            return 1 + write(UInt(value.magnitude), to: destination + 1)
        }
        return write(UInt(value), to: destination)
    }

    @inlinable @inline(__always)
    public static func write(_ value: UInt, to destination: UnsafeMutableRawPointer) -> Int {
        if value < 10 {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: value) &+ 48, as: UInt8.self)
            return 1
        }
        var digits = 0
        var remaining = value
        while remaining > 0 { digits += 1; remaining /= 10 }
        remaining = value
        var position = digits
        while position > 0 {
            position -= 1
            // &+ is safe: remaining % 10 is below 10, so the sum stays within ASCII digits.
            destination.storeBytes(
                of: UInt8(truncatingIfNeeded: remaining % 10) &+ 48, toByteOffset: position, as: UInt8.self)
            remaining /= 10
        }
        return digits
    }

    /// Parses a non-negative decimal made only of digits; nil when empty, not digits, or too large.
    @inlinable @inline(__always)
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            let digit = Int(byte) &- 48
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value &* 10 &+ digit
        }
        return value
    }
}
