/// When a certificate is valid, relative to the moment it is issued.
public enum CertificateValidity: Equatable, Sendable {
    /// From five minutes ago (clock skew between nodes) for this many days.
    case days(Int)
    /// notBefore and notAfter as offsets in seconds from now; negative is the past. For tests: an
    /// already expired certificate is `.window(notBeforeOffset: -7200, notAfterOffset: -3600)`.
    case window(notBeforeOffset: Int, notAfterOffset: Int)

    /// The allowance for clocks that run behind the issuer's.
    static let clockSkewSeconds = 300

    /// notBefore and notAfter offsets in seconds from now.
    var offsets: (notBefore: Int, notAfter: Int) {
        switch self {
        case .days(let days): (-Self.clockSkewSeconds, days * 86_400)
        case .window(let notBefore, let notAfter): (notBefore, notAfter)
        }
    }
}
