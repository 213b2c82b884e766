/// Numbers as people read them in tables and progress lines: `1.2 kJ`, `3.4 s`, `2m05s`, `5s ago`,
/// `142 W`, `45%`. Non-finite values show as `-`.
public enum HumanUnits {
    /// `value` with exactly `decimals` decimals, rounded half away from zero: `fixed(2.35, 1)` is `2.4`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 9e15 else { return String(value) }
        let whole = Int(scaled)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let fraction = String(whole % scale)
        return sign + String(whole / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// About three significant digits, trailing zeros dropped: `0.00683`, `0.42`, `12.3`, `812`, `0.8`
    /// (at most `maximumDecimals` decimals).
    public static func significant(_ value: Double, maximumDecimals: Int = 6) -> String {
        var decimals = 0
        var scaled = abs(value)
        while scaled > 0 && scaled < 99.95 && decimals < maximumDecimals {
            scaled *= 10
            decimals += 1
        }
        var text = fixed(value, decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Dollars: `$0.12`, `$0.000023`, or `<$0.000001` for less.
    public static func dollars(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return value > 0 && value < 0.000_000_5 ? "<$0.000001" : "$" + significant(value, maximumDecimals: 9)
    }

    /// `0.42 J`, `812 J`, `1.23 kJ`, `45.6 MJ`.
    public static func energy(joules: Double) -> String {
        guard joules.isFinite else { return "-" }
        let magnitude = abs(joules)
        if magnitude < 999.5 { return significant(joules) + " J" }
        if magnitude < 999_500 { return significant(joules / 1e3) + " kJ" }
        return significant(joules / 1e6) + " MJ"
    }

    /// `0.42 s`, `3.4 s`, `59.9 s`, `2m05s`, `1h02m`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        if seconds < 59.95 { return fixed(seconds, seconds < 9.995 ? 2 : 1) + " s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        return "\(whole / 3600)h" + twoDigits(whole / 60 % 60) + "m"
    }

    /// How long ago `nanoseconds` (Unix) was at `now`: `just now`, `5s ago`, `3m ago`, `2h ago`, `4d ago`.
    public static func age(unixNanoseconds: Int64, now: Int64) -> String {
        let seconds = (now - unixNanoseconds) / 1_000_000_000
        if seconds < 1 { return "just now" }
        if seconds < 60 { return "\(seconds)s ago" }
        if seconds < 3600 { return "\(seconds / 60)m ago" }
        if seconds < 86_400 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86_400)d ago"
    }

    /// A countdown for ETAs: `0:05`, `12:34`, `1:02:03`.
    public static func clock(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let whole = Int(seconds.rounded(.up))
        if whole < 3600 { return "\(whole / 60):" + twoDigits(whole % 60) }
        return "\(whole / 3600):" + twoDigits(whole / 60 % 60) + ":" + twoDigits(whole % 60)
    }

    /// `3.5 W`, `142 W`.
    public static func watts(_ value: Double) -> String { significant(value) + " W" }

    /// A fraction 0…1 as `45%`.
    public static func percent(_ fraction: Double) -> String {
        fixed(min(max(fraction, 0), 1) * 100, 0) + "%"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
