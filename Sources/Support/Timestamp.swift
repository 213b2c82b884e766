#if canImport(Glibc)
    import Glibc
#endif

/// RFC 3339 times in UTC, as NATS and logs print them.
public enum Timestamp {
    /// `2026-11-26T04:30:17.982729094Z` with `fractionDigits` (0–9) digits of the second;
    /// trailing zeros are kept so widths stay fixed. Zero gives Go's zero time, `0001-01-01T00:00:00Z`,
    /// which is what nats-server prints for "never".
    public static func rfc3339(nanoseconds: Int64, fractionDigits: Int = 9) -> String {
        if nanoseconds == 0 { return "0001-01-01T00:00:00Z" }
        var seconds = time_t(nanoseconds / 1_000_000_000)
        let fraction = Int(nanoseconds % 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = "\(parts.tm_year + 1900)-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
        text += "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        if fractionDigits > 0 {
            let digits = min(fractionDigits, 9)
            var divisor = 1
            for _ in digits..<9 { divisor *= 10 }
            text += "." + pad(fraction / divisor, digits)
        }
        return text + "Z"
    }

    /// Now, in nanoseconds since the Unix epoch.
    public static func nowNanoseconds() -> Int64 { Int64(bitPattern: Clock.wallNanoseconds()) }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
