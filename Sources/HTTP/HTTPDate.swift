#if canImport(Glibc)
    import Glibc
#endif

/// The `Date` header value in IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`), formatted at
/// most once a second per loop.
struct HTTPDate {
    private var second: Int = -1
    private(set) var text = ""

    /// The date for the current wall-clock second.
    mutating func current(wallNanoseconds: UInt64) -> String {
        let now = Int(wallNanoseconds / 1_000_000_000)
        if now != second {
            second = now
            text = Self.format(secondsSinceEpoch: now)
        }
        return text
    }

    static func format(secondsSinceEpoch: Int) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(pad(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) GMT"
    }
}
