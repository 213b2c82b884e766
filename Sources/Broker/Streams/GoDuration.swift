/// Durations written the way Go's `time.Duration` prints them (`5s`, `1.5s`, `250ms`, `1m30s`,
/// `2h0m0s`), so that a status text naming a limit reads as nats-server's does.
enum GoDuration {
    /// `nanoseconds` as Go's `Duration.String()` writes it.
    static func text(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        if magnitude < 1_000 { return "\(sign)\(magnitude)ns" }
        if magnitude < 1_000_000 { return sign + decimal(magnitude, unit: 1_000) + "µs" }
        if magnitude < 1_000_000_000 { return sign + decimal(magnitude, unit: 1_000_000) + "ms" }
        let seconds = decimal(magnitude % 60_000_000_000, unit: 1_000_000_000) + "s"
        let minutes = magnitude / 60_000_000_000
        if minutes == 0 { return sign + seconds }
        if minutes < 60 { return "\(sign)\(minutes)m" + seconds }
        return "\(sign)\(minutes / 60)h\(minutes % 60)m" + seconds
    }

    /// `value / unit` with the fraction's trailing zeros dropped (`1.5`, `250`).
    private static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction > 0 else { return String(whole) }
        var digits = String(unit).count - 1
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}
