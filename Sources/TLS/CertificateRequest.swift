/// Everything needed to issue one leaf certificate.
public struct CertificateRequest: Equatable, Sendable {
    /// The holder's name, the subject CN (the broker maps it to a user name).
    public var commonName: String
    /// The holder's role (`agent`, `master`, `submitter`, `admin`, `broker`): written as `OU=<role>` and
    /// as the SAN URI `ffrtmp://role/<role>`. Nil writes neither.
    public var role: String?
    /// SAN DNS names (what clients verify the broker's host name against).
    public var dnsNames: [String]
    /// SAN IP addresses, IPv4 or IPv6 text.
    public var ipAddresses: [String]
    /// serverAuth, clientAuth or both.
    public var usage: CertificateUsage
    /// When it is valid.
    public var validity: CertificateValidity

    public init(
        commonName: String, role: String?, dnsNames: [String] = [], ipAddresses: [String] = [],
        usage: CertificateUsage, validity: CertificateValidity = .days(365)
    ) {
        self.commonName = commonName
        self.role = role
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.usage = usage
        self.validity = validity
    }

    /// Refuses names that would not survive into a certificate intact.
    func validate() throws(TLSError) {
        try CertificateNames.validateCommonName(commonName)
        if let role { try CertificateNames.validateRole(role) }
        for name in dnsNames { try CertificateNames.validateDNSName(name) }
        if case .days(let days) = validity, !(1...36_500).contains(days) {
            throw .certificate("validity of \(days) days is outside 1...36500")
        }
        if case .window(let notBefore, let notAfter) = validity, notBefore >= notAfter {
            throw .certificate("notBefore offset \(notBefore) s is not before notAfter offset \(notAfter) s")
        }
    }
}
