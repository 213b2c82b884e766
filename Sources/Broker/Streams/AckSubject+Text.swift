import Net

extension AckSubject {
    /// The ack reply subject handed out with a delivery: `prefix` (`$JS.ACK.<stream>.<consumer>.`)
    /// then `<deliveries>.<stream seq>.<consumer seq>.<timestamp>.<pending>`. Built for every pulled
    /// message, so the digits go straight into the new string's storage (no per-number strings).
    static func text(
        prefix: String, deliveries: Int, streamSequence: UInt64, consumerSequence: UInt64, timestamp: Int64,
        pending: UInt64
    ) -> String {
        var prefix = prefix
        return prefix.withUTF8 { head in
            // Each number takes at most a sign, 20 digits and a separating dot.
            String(unsafeUninitializedCapacity: head.count + 5 * 22) { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                let start = UnsafeMutableRawPointer(base)
                if let headBytes = head.baseAddress { start.copyMemory(from: headBytes, byteCount: head.count) }
                var cursor = start + head.count
                func dot() {
                    cursor.storeBytes(of: UInt8(ascii: "."), as: UInt8.self)
                    cursor += 1
                }
                cursor += Decimal.write(deliveries, to: cursor)
                dot()
                cursor += Decimal.write(UInt(truncatingIfNeeded: streamSequence), to: cursor)
                dot()
                cursor += Decimal.write(UInt(truncatingIfNeeded: consumerSequence), to: cursor)
                dot()
                cursor += Decimal.write(Int(truncatingIfNeeded: timestamp), to: cursor)
                dot()
                cursor += Decimal.write(UInt(truncatingIfNeeded: pending), to: cursor)
                return cursor - start
            }
        }
    }
}
