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
                var count = head.count
                // Safe: `buffer` holds at least `head.count` bytes, so the copy stays inside it.
                _ = UnsafeMutableBufferPointer(rebasing: buffer[0..<count]).initialize(from: head)
                func append(_ value: UInt64, negative: Bool = false) {
                    if negative {
                        buffer[count] = UInt8(ascii: "-")
                        count += 1
                    }
                    var digits = 1
                    var rest = value / 10
                    while rest > 0 {
                        digits += 1
                        rest /= 10
                    }
                    var remaining = value
                    for index in stride(from: count + digits - 1, through: count, by: -1) {
                        buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                        remaining /= 10
                    }
                    count += digits
                }
                func appendDot() {
                    buffer[count] = UInt8(ascii: ".")
                    count += 1
                }
                append(UInt64(deliveries.magnitude), negative: deliveries < 0)
                appendDot()
                append(streamSequence)
                appendDot()
                append(consumerSequence)
                appendDot()
                append(timestamp.magnitude, negative: timestamp < 0)
                appendDot()
                append(pending)
                return count
            }
        }
    }
}
