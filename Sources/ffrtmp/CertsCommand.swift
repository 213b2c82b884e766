#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Support
import TLS

/// `ffrtmp certs`: makes the fleet's CA, issues node certificates from it, and shows what a
/// certificate says. The work is `CertificateDirectory` and `CertificateReport`; this parses and prints.
enum CertsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp certs", summary: "Create a CA, issue node certificates, show a certificate",
        usage: """
            ffrtmp certs init [--dir DIR] [--name "ffrtmp CA"] [--days 3650] [--force]
                   ffrtmp certs issue --role ROLE --name NAME [--dns HOST,…] [--ip ADDRESS,…] [--days 365] \
            [--dir DIR] [--force]
                   ffrtmp certs renew --name NAME [--new-key] [--days N] [--dir DIR]
                   ffrtmp certs show [--within DAYS] FILE
            """,
        options: [
            OptionSpec(
                ["--dir"], value: "DIR", help: "Directory of ca.pem, ca-key.pem and issued certificates",
                environment: "FFRTMP_CERTS", default: CertificateDirectory.defaultPath),
            OptionSpec(
                ["--name"], value: "NAME",
                help: "init: the CA's name (default \"ffrtmp CA\"); issue: the holder's name, its subject CN"),
            OptionSpec(
                ["--role"], value: "ROLE",
                help: "issue: " + CertificateRole.allCases.map(\.rawValue).joined(separator: ", ")),
            OptionSpec(["--dns"], value: "HOST,…", help: "issue: DNS names clients connect to (repeatable)"),
            OptionSpec(["--ip"], value: "ADDRESS,…", help: "issue: IP addresses clients connect to (repeatable)"),
            OptionSpec(["--days"], value: "N", help: "Validity in days (init: 3650, issue: 365)"),
            OptionSpec(["--force"], help: "Replace existing files"),
            OptionSpec(["--new-key"], help: "renew: make a new private key too (default: keep the key)"),
            OptionSpec(["--within"], value: "DAYS", help: "show: exit 1 also when it expires within DAYS days"),
        ],
        discussion: """
            Roles (issue --role):
            \(CertificateRole.allCases.map { "  \($0.rawValue.padding(8))\($0.summary)" }.joined(separator: "\n"))
            The holder's name becomes the certificate's subject CN, and the role its OU and the SAN URI
            ffrtmp://role/ROLE: the broker maps the CN to a user (one per node) and the role to that user's
            permissions (what it may publish and subscribe to). Every certificate is signed by the CA in --dir;
            brokers and clients trust ca.pem (--tlsca), each node presents its own NAME.pem (--tlscert) with
            NAME-key.pem (--tlskey). Private keys are written 0600, certificates 0644; existing files are never
            replaced without --force. Keep ca-key.pem off the nodes.
            renew re-issues NAME.pem from the CA with the same name, role, DNS names and IPs and a fresh
            validity (--days, default: as long as the old one), keeping NAME-key.pem unless --new-key; files are
            replaced atomically. Then send the broker SIGHUP (systemctl reload ffrtmp-broker) to present it.
            show prints subject, role, names, validity and serial; it exits 1 when the certificate is expired or
            not valid yet (and, with --within, when it expires within that many days), for monitoring.
            Rotation is described in deployment/CERTIFICATES.md.
            Exit status: 0 done, 1 failure (or expired), 2 usage error.
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let action = arguments.positionals.first else {
            throw UsageError("expected init, issue, renew or show (see ffrtmp certs --help)")
        }
        let directory = CertificateDirectory(path: arguments.string("--dir") ?? CertificateDirectory.defaultPath)
        switch action {
        case "init": return try initialize(arguments, directory)
        case "issue": return try issue(arguments, directory)
        case "renew": return try renew(arguments, directory)
        case "show": return try show(arguments)
        default: throw UsageError("unknown action \"\(action)\": expected init, issue, renew or show")
        }
    }

    /// `certs init`: a new CA.
    static func initialize(_ arguments: ParsedArguments, _ directory: CertificateDirectory) throws -> Int32 {
        try expectPositionals(arguments, 1, "init")
        let name = arguments.string("--name") ?? "ffrtmp CA"
        let report = try directory.createAuthority(
            commonName: name, days: try days(arguments, default: 3650), overwrite: arguments.flag("--force"))
        print("Created CA \"\(report.commonName)\", valid until \(report.expiryDate)")
        printFiles([
            (directory.authorityCertificatePath, "CA certificate: give it to every node (--tlsca, ca_file)"),
            (directory.authorityKeyPath, "CA private key (0600): keep it off the nodes"),
        ])
        if arguments.flag("--force") { print("Certificates issued by a replaced CA are no longer trusted.") }
        return 0
    }

    /// `certs issue`: a key and certificate for one node or person.
    static func issue(_ arguments: ParsedArguments, _ directory: CertificateDirectory) throws -> Int32 {
        try expectPositionals(arguments, 1, "issue")
        guard let roleName = arguments.string("--role") else { throw UsageError("issue needs --role") }
        guard let role = CertificateRole(rawValue: roleName) else {
            let roles = CertificateRole.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("--role \(roleName): expected one of \(roles)")
        }
        guard let name = arguments.string("--name") else { throw UsageError("issue needs --name (e.g. node-1)") }
        let report = try directory.issue(
            name: name, role: role, dnsNames: list(arguments, "--dns"), ipAddresses: list(arguments, "--ip"),
            days: try days(arguments, default: 365), overwrite: arguments.flag("--force"))
        print("Issued \(role.rawValue) certificate \"\(name)\", valid until \(report.expiryDate)")
        printFiles([
            (directory.certificatePath(name), "certificate (--tlscert)"),
            (directory.keyPath(name), "private key (0600, --tlskey)"),
        ])
        if let authority = try? CertificateReport(path: directory.authorityCertificatePath),
            authority.notAfter < report.notAfter
        {
            print("Note: the CA expires first (\(authority.expiryDate)); the certificate stops working then.")
        }
        return 0
    }

    /// `certs renew`: the same holder and names, a fresh validity.
    static func renew(_ arguments: ParsedArguments, _ directory: CertificateDirectory) throws -> Int32 {
        try expectPositionals(arguments, 1, "renew")
        guard let name = arguments.string("--name") else { throw UsageError("renew needs --name (e.g. broker)") }
        let days = try arguments.int("--days") == nil ? nil : try days(arguments, default: 365)
        let newKey = arguments.flag("--new-key")
        let report = try directory.renew(name: name, newKey: newKey, days: days)
        print("Renewed \(report.role) certificate \"\(report.commonName)\", valid until \(report.expiryDate)")
        printFiles(
            [(directory.certificatePath(name), "certificate, serial \(report.info.serialNumber)")]
                + (newKey ? [(directory.keyPath(name), "new private key (0600)")] : []))
        print("Reload whatever presents it: a broker on SIGHUP (systemctl reload ffrtmp-broker).")
        return 0
    }

    /// `certs show FILE`: what the certificate says; 1 when it is not valid (or expires within --within).
    static func show(_ arguments: ParsedArguments) throws -> Int32 {
        try expectPositionals(arguments, 2, "show FILE")
        let report = try CertificateReport(path: arguments.positionals[1])
        let now = Int64(time(nil))
        print(report.text(now: now), terminator: "")
        if !report.isValid(now: now) { return 1 }
        if let within = try arguments.int("--within") {
            guard (0...36_500).contains(within) else { throw UsageError("--within must be 0 to 36500 days") }
            if report.secondsLeft(now: now) < Int64(within) * 86_400 {
                printError("ffrtmp certs: \(report.path) expires within \(within) days\n")
                return 1
            }
        }
        return 0
    }

    /// One line per written file: the path, then what it is, aligned.
    private static func printFiles(_ files: [(path: String, description: String)]) {
        let width = (files.map(\.path.count).max() ?? 0) + 2
        for file in files { print("  " + file.path.padding(width) + file.description) }
    }

    private static func days(_ arguments: ParsedArguments, default value: Int) throws -> Int {
        let days = try arguments.int("--days") ?? value
        guard (1...36_500).contains(days) else { throw UsageError("--days must be between 1 and 36500") }
        return days
    }

    /// Every value of a repeatable, comma-separated option.
    private static func list(_ arguments: ParsedArguments, _ name: String) -> [String] {
        arguments.strings(name).flatMap { $0.split(separator: ",") }.map { String($0.trimmingWhitespace()) }
            .filter { !$0.isEmpty }
    }

    private static func expectPositionals(_ arguments: ParsedArguments, _ count: Int, _ usage: String) throws {
        guard arguments.positionals.count == count else {
            throw UsageError("expected: ffrtmp certs \(usage) (see ffrtmp certs --help)")
        }
    }
}

extension String {
    /// The string followed by spaces up to `width` characters (at least one space).
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - count))
    }
}
