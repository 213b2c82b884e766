import Support

/// What a certificate file says, as `ffrtmp certs show` prints it: subject, role, names, validity,
/// serial, and how long it has left (for expiry monitoring).
public struct CertificateReport: Sendable {
    /// The file it was read from.
    public let path: String
    /// Everything the certificate says.
    public let info: CertificateInfo

    /// Reads the first certificate in the PEM file at `path`.
    public init(path: String) throws(SupportError) {
        do {
            info = try CertificateFiles.inspectCertificate(at: path)
        } catch {
            throw SupportError(error.description)
        }
        self.path = path
    }

    /// The holder's name (the subject CN).
    public var commonName: String { info.commonName ?? info.subject }

    /// The role, or "CA" for an authority.
    public var role: String { info.isAuthority ? "CA" : info.role ?? "none" }

    /// End of validity, seconds since the Unix epoch.
    public var notAfter: Int64 { info.notAfter }

    /// Seconds until it expires (negative once expired), from `now` (seconds since the Unix epoch).
    public func secondsLeft(now: Int64) -> Int64 { info.notAfter - now }

    /// Whether it is valid at `now`.
    public func isValid(now: Int64) -> Bool { info.isValid(atSeconds: now) }

    /// The end of validity as `2027-11-26` (UTC).
    public var expiryDate: String { String(Self.time(info.notAfter).prefix(10)) }

    /// The lines `ffrtmp certs show` prints, validity judged at `now`.
    public func text(now: Int64) -> String {
        var rows: [(String, String)] = [
            ("subject", info.subject),
            ("issuer", info.issuer),
            ("role", info.isAuthority ? "CA (signs certificates)" : info.role ?? "none (not an ffrtmp certificate)"),
            ("usage", usage),
        ]
        if !info.dnsNames.isEmpty { rows.append(("DNS names", info.dnsNames.joined(separator: ", "))) }
        if !info.ipAddresses.isEmpty { rows.append(("IP addresses", info.ipAddresses.joined(separator: ", "))) }
        rows.append(("valid from", Self.time(info.notBefore)))
        rows.append(("valid until", Self.time(info.notAfter)))
        rows.append(("status", status(now: now)))
        rows.append(("serial", info.serialNumber))
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        return rows.reduce(path + "\n") { text, row in
            text + "  " + row.0 + String(repeating: " ", count: width - row.0.count) + row.1 + "\n"
        }
    }

    /// "valid (364 days left)", "EXPIRED 3 days ago", "NOT VALID YET (starts in 2 days)".
    public func status(now: Int64) -> String {
        if now < info.notBefore { return "NOT VALID YET (starts in \(Self.span(info.notBefore - now)))" }
        let left = secondsLeft(now: now)
        if left < 0 { return "EXPIRED \(Self.span(-left)) ago" }
        return "valid (\(Self.span(left)) left)"
    }

    private var usage: String {
        if info.isAuthority { return "certificate signing" }
        return info.extendedKeyUsage.isEmpty ? "any" : info.extendedKeyUsage.joined(separator: ", ")
    }

    /// `2027-11-26T05:21:47Z`.
    private static func time(_ seconds: Int64) -> String {
        Timestamp.rfc3339(nanoseconds: seconds * 1_000_000_000, fractionDigits: 0)
    }

    /// Whole days, or hours and minutes under two days.
    private static func span(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        if days >= 2 { return "\(days) days" }
        let hours = seconds / 3600
        if hours >= 1 { return "\(hours) h \(seconds % 3600 / 60) min" }
        return "\(max(1, seconds / 60)) min"
    }
}
