#if canImport(Glibc)
    import Glibc
#endif
import Support
import Wire

/// A directory holding a fleet's CA (`ca.pem`, `ca-key.pem`) and the certificates issued from it
/// (`NAME.pem`, `NAME-key.pem`): what `ffrtmp certs` works on.
///
/// Private keys are written with mode 0600 and certificates 0644; nothing is overwritten unless asked,
/// and then each file is replaced atomically. Errors are `SupportError`s naming the file and the cause.
public struct CertificateDirectory: Sendable {
    /// The directory, as given.
    public let path: String

    /// The directory used when none is given (and `FFRTMP_CERTS` is unset).
    public static let defaultPath = "./certs"
    /// The CA's file name without `.pem`; no issued certificate may take it.
    static let authorityName = "ca"

    public init(path: String) {
        self.path = path
    }

    /// The CA certificate: every node trusts it (`--tlsca`, the broker's `ca_file`).
    public var authorityCertificatePath: String { certificatePath(Self.authorityName) }
    /// The CA's private key: it signs every certificate, so it stays off the nodes.
    public var authorityKeyPath: String { keyPath(Self.authorityName) }

    /// `DIR/NAME.pem`.
    public func certificatePath(_ name: String) -> String { "\(path)/\(name).pem" }
    /// `DIR/NAME-key.pem`.
    public func keyPath(_ name: String) -> String { "\(path)/\(name)-key.pem" }

    /// Creates a CA named `commonName`, valid for `days`, creating the directory (0700) if needed.
    /// Replacing an existing CA (`overwrite`) makes every certificate it issued untrusted.
    public func createAuthority(
        commonName: String, days: Int, overwrite: Bool
    ) throws(SupportError) -> CertificateReport {
        try refuseExisting([authorityCertificatePath, authorityKeyPath], overwrite: overwrite)
        try createDirectory()
        let authority = try tls { () throws(TLSError) in
            try CertificateIssuer.createAuthority(commonName: commonName, validityDays: days)
        }
        try tls { () throws(TLSError) in
            try CertificateFiles.writePrivateKey(authority.privateKeyPEM, to: authorityKeyPath, overwrite: overwrite)
            try CertificateFiles.writeCertificate(
                authority.certificatePEM, to: authorityCertificatePath, overwrite: overwrite)
        }
        return try CertificateReport(path: authorityCertificatePath)
    }

    /// Issues a key and certificate for `name` in `role`, signed by this directory's CA, valid for
    /// `days`. A broker needs at least one DNS name or IP address (what clients verify it against).
    public func issue(
        name: String, role: CertificateRole, dnsNames: [String] = [], ipAddresses: [String] = [], days: Int,
        overwrite: Bool
    ) throws(SupportError) -> CertificateReport {
        try Self.validateFileName(name)
        if role != .broker && !Subject.isPlainToken(name) {
            // The broker puts a client's name into its permissions (`hb.{name}`, `_INBOX.{name}.>`) and
            // refuses a name that would widen them: such a certificate could never connect.
            throw SupportError(
                "name \"\(name)\" cannot be a client identity: no '.', '*', '>', spaces or control characters")
        }
        if role == .broker && dnsNames.isEmpty && ipAddresses.isEmpty {
            throw SupportError(
                "a broker certificate needs --dns and/or --ip: the host names and addresses clients connect to")
        }
        try refuseExisting([certificatePath(name), keyPath(name)], overwrite: overwrite)
        let authority = try loadAuthority()
        let issued = try tls { () throws(TLSError) in
            try CertificateIssuer.issue(
                commonName: name, role: role.rawValue, dnsNames: dnsNames, ipAddresses: ipAddresses,
                validityDays: days, usage: role.usage, signedBy: authority)
        }
        try tls { () throws(TLSError) in
            try CertificateFiles.writePrivateKey(issued.privateKeyPEM, to: keyPath(name), overwrite: overwrite)
            try CertificateFiles.writeCertificate(
                issued.certificatePEM, to: certificatePath(name), overwrite: overwrite)
        }
        return try CertificateReport(path: certificatePath(name))
    }

    /// The CA, or an error saying to create one.
    func loadAuthority() throws(SupportError) -> CertificateAuthority {
        guard access(authorityCertificatePath, F_OK) == 0 else {
            throw SupportError(
                "no CA in \(path) (\(authorityCertificatePath) is missing): run `ffrtmp certs init --dir \(path)` "
                    + "first, or point --dir (FFRTMP_CERTS) at the directory holding ca.pem and ca-key.pem")
        }
        return try tls { () throws(TLSError) in
            try CertificateAuthority.load(certificatePath: authorityCertificatePath, privateKeyPath: authorityKeyPath)
        }
    }

    /// A name becomes `NAME.pem` beside `ca.pem`: letters, digits, `.`, `-`, `_`; not `ca`; no leading dot.
    static func validateFileName(_ name: String) throws(SupportError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, !name.hasPrefix(".") else {
            throw SupportError("--name \"\(name)\" must be 1 to 64 of A-Z a-z 0-9 . - _ (not starting with a dot)")
        }
        guard name != authorityName else { throw SupportError("--name ca is taken by the CA's own files") }
    }

    /// Fails, naming every file that exists, unless `overwrite`.
    private func refuseExisting(_ paths: [String], overwrite: Bool) throws(SupportError) {
        guard !overwrite else { return }
        let existing = paths.filter { access($0, F_OK) == 0 }
        guard existing.isEmpty else {
            throw SupportError(
                "\(existing.joined(separator: " and ")) already exist\(existing.count == 1 ? "s" : ""); "
                    + "refusing to overwrite (use --force to replace)")
        }
    }

    /// Creates `path` and any missing parents; new directories are 0700 (they hold private keys).
    private func createDirectory() throws(SupportError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw SupportError("cannot create directory \(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }

    /// Runs a TLS call, turning its error into a `SupportError` with the same text.
    func tls<Result>(_ body: () throws(TLSError) -> Result) throws(SupportError) -> Result {
        do {
            return try body()
        } catch {
            throw SupportError(error.description)
        }
    }
}
