/// Parsing of human-written sizes and durations, as nats-server's configuration accepts them.
public enum Units {
    /// `1048576`, `64KB`, `1MB`, `1GiB`, `512k` (k/m/g are powers of 1000; kb/mb/gb, ki/mi/gi and
    /// kib/mib/gib powers of 1024). Nil when malformed or negative.
    public static func byteSize(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace().lowercased()
        let digits = trimmed.prefix(while: { $0.isNumber })
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let suffix = trimmed.dropFirst(digits.count).trimmingWhitespace()
        let multiplier: Int
        switch suffix {
        case "", "b": multiplier = 1
        case "k": multiplier = 1000
        case "kb", "ki", "kib": multiplier = 1024
        case "m": multiplier = 1000 * 1000
        case "mb", "mi", "mib": multiplier = 1024 * 1024
        case "g": multiplier = 1000 * 1000 * 1000
        case "gb", "gi", "gib": multiplier = 1024 * 1024 * 1024
        case "t": multiplier = 1000 * 1000 * 1000 * 1000
        case "tb", "ti", "tib": multiplier = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// `250ms`, `2s`, `2m`, `1h`, `1h30m`, `1.5s`, `100us`, `10ns`; a bare number means seconds.
    public static func durationNanoseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace().lowercased()
        guard !trimmed.isEmpty else { return nil }
        if trimmed.allSatisfy({ $0 == "." || ("0"..."9").contains($0) }) {
            // Digits only: bare seconds. (Double() alone would also take inf, nan, 1e10 and 0x10.)
            guard let seconds = Double(trimmed) else { return nil }
            return nanoseconds(seconds * 1e9)
        }
        var total = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isNumber || $0 == "." })
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix(while: { $0.isLetter || $0 == "µ" })
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            case "d": scale = 86_400e9
            default: return nil
            }
            total += value * scale
        }
        return nanoseconds(total)
    }

    /// `value` rounded, when it fits Int64; Double(Int64.max) rounds up to 2^63, hence `<`.
    private static func nanoseconds(_ value: Double) -> Int64? {
        let rounded = value.rounded()
        return rounded >= 0 && rounded < 9_223_372_036_854_775_808.0 ? Int64(rounded) : nil
    }
}
