import Support

/// The monitoring endpoints' JSON bodies, with nats-server's field names and meanings. Only the
/// fields we can fill honestly appear; `protocol/PROTOCOL.md` lists the ones we leave out.
enum MonitorJSON {
    /// `/healthz`: the broker answers, so it is up (JetStream has no separate failure state here).
    static let healthy = "{\"status\":\"ok\"}"

    /// nats-server's way of printing a duration in `uptime` and `idle`: `1y2d3h4m5s`, leading zero
    /// units left out, whole seconds.
    static func uptime(nanoseconds: Int64) -> String {
        let seconds = max(0, nanoseconds / 1_000_000_000)
        let minutes = seconds / 60
        let hours = minutes / 60
        let days = hours / 24
        let years = days / 365
        if years > 0 { return "\(years)y\(days % 365)d\(hours % 24)h\(minutes % 60)m\(seconds % 60)s" }
        if days > 0 { return "\(days)d\(hours % 24)h\(minutes % 60)m\(seconds % 60)s" }
        if hours > 0 { return "\(hours)h\(minutes % 60)m\(seconds % 60)s" }
        if minutes > 0 { return "\(minutes)m\(seconds % 60)s" }
        return "\(seconds)s"
    }

    /// A time as nats-server prints it (RFC 3339, nanoseconds, UTC).
    static func time(_ nanoseconds: Int64) -> String { Timestamp.rfc3339(nanoseconds: nanoseconds) }

    /// `[a,b]` from already encoded JSON values.
    static func array(_ elements: some Sequence<String>) -> String { "[" + elements.joined(separator: ",") + "]" }
}
