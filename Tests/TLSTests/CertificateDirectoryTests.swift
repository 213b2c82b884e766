import Support
import XCTest

@testable import TLS
#if canImport(Glibc)
    import Glibc
#endif

/// What `ffrtmp certs` does, called directly: the files it writes, their modes and contents, refusals.
final class CertificateDirectoryTests: CertificateDirectoryTestCase {
    func testInitCreatesTheDirectoryAndACAWhoseKeyOnlyTheOwnerCanRead() throws {
        let report = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        XCTAssertEqual(mode(certificates.path), 0o700)
        XCTAssertEqual(mode(certificates.authorityKeyPath), 0o600)
        XCTAssertEqual(mode(certificates.authorityCertificatePath), 0o644)
        XCTAssertEqual(report.info.subject, "CN=fleet CA")
        XCTAssertTrue(report.info.isAuthority)
        XCTAssertEqual(report.role, "CA")
        let now = Int64(time(nil))
        XCTAssertEqual((report.secondsLeft(now: now) + 3600) / 86_400, 3650)
        XCTAssertNoThrow(
            try CertificateAuthority.load(
                certificatePath: certificates.authorityCertificatePath, privateKeyPath: certificates.authorityKeyPath))
    }

    func testIssueSignsABrokerCertificateForServersAndClientsWithItsNames() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        let report = try certificates.issue(
            name: "broker-1", role: .broker, dnsNames: ["broker.example", "localhost"], ipAddresses: ["10.0.0.5"],
            days: 365, overwrite: false)
        XCTAssertEqual(report.path, certificates.certificatePath("broker-1"))
        XCTAssertEqual(mode(certificates.keyPath("broker-1")), 0o600)
        XCTAssertEqual(mode(certificates.certificatePath("broker-1")), 0o644)
        XCTAssertEqual(report.info.subject, "CN=broker-1,OU=broker")
        XCTAssertEqual(report.info.issuer, "CN=fleet CA")
        XCTAssertEqual(report.info.role, "broker")
        XCTAssertEqual(report.info.extendedKeyUsage, ["serverAuth", "clientAuth"])
        XCTAssertEqual(report.info.dnsNames, ["broker.example", "localhost"])
        XCTAssertEqual(report.info.ipAddresses, ["10.0.0.5"])
        XCTAssertFalse(report.info.isAuthority)
        XCTAssertNoThrow(
            try TLSContext(
                .server(
                    certificateChainPath: report.path, privateKeyPath: certificates.keyPath("broker-1"),
                    trustedAuthoritiesPath: certificates.authorityCertificatePath, verifyPeer: true)),
            "the key matches the certificate")
    }

    func testIssueGivesEveryOtherRoleAClientCertificateCarryingTheRole() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        for role in CertificateRole.allCases where role != .broker {
            let report = try certificates.issue(name: "holder-\(role)", role: role, days: 30, overwrite: false)
            XCTAssertEqual(report.info.commonName, "holder-\(role)")
            XCTAssertEqual(report.info.organizationalUnits, [role.rawValue])
            XCTAssertEqual(report.info.uris, ["ffrtmp://role/\(role.rawValue)"])
            XCTAssertEqual(report.info.extendedKeyUsage, ["clientAuth"])
            XCTAssertEqual((report.secondsLeft(now: Int64(time(nil))) + 3600) / 86_400, 30)
        }
    }

    func testNothingIsOverwrittenWithoutForce() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        let firstCA = try CertificateFiles.read(certificates.authorityCertificatePath)
        XCTAssertThrowsError(try certificates.createAuthority(commonName: "again", days: 10, overwrite: false)) {
            XCTAssertTrue("\($0)".contains("already exist; refusing to overwrite (use --force"), "\($0)")
        }
        XCTAssertEqual(try CertificateFiles.read(certificates.authorityCertificatePath), firstCA)
        _ = try certificates.issue(name: "node-1", role: .agent, days: 30, overwrite: false)
        let firstKey = try CertificateFiles.read(certificates.keyPath("node-1"))
        XCTAssertThrowsError(try certificates.issue(name: "node-1", role: .agent, days: 30, overwrite: false))
        XCTAssertEqual(try CertificateFiles.read(certificates.keyPath("node-1")), firstKey)

        _ = try certificates.issue(name: "node-1", role: .agent, days: 30, overwrite: true)
        XCTAssertNotEqual(try CertificateFiles.read(certificates.keyPath("node-1")), firstKey, "--force replaces")
        XCTAssertEqual(mode(certificates.keyPath("node-1")), 0o600, "a replaced key is 0600 too")
        _ = try certificates.createAuthority(commonName: "second CA", days: 10, overwrite: true)
        XCTAssertEqual(try CertificateReport(path: certificates.authorityCertificatePath).commonName, "second CA")
    }

    func testIssueRefusesMissingCAsUnsafeNamesAndBrokersWithoutNames() throws {
        XCTAssertThrowsError(try certificates.issue(name: "node-1", role: .agent, days: 30, overwrite: false)) {
            XCTAssertTrue("\($0)".contains("run `ffrtmp certs init --dir"), "\($0)")
        }
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        for name in ["ca", "../escape", ".hidden", "", "a b", String(repeating: "x", count: 65)] {
            XCTAssertThrowsError(
                try certificates.issue(name: name, role: .agent, days: 30, overwrite: false), "name \"\(name)\"")
        }
        XCTAssertThrowsError(try certificates.issue(name: "broker", role: .broker, days: 30, overwrite: false)) {
            XCTAssertTrue("\($0)".contains("needs --dns and/or --ip"), "\($0)")
        }
        XCTAssertThrowsError(
            try certificates.issue(
                name: "broker", role: .broker, dnsNames: ["bad name"], days: 30, overwrite: false))
        XCTAssertFalse(access(certificates.keyPath("broker"), F_OK) == 0, "a refused issue writes nothing")
    }

    func testClientNamesTheBrokerWouldRefuseAreRefusedAtIssue() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        for name in ["node.1", "a.b.c"] {  // `*`, `>` and spaces are no file names either
            XCTAssertThrowsError(try certificates.issue(name: name, role: .agent, days: 30, overwrite: false)) {
                XCTAssertTrue("\($0)".contains("cannot be a client identity"), "\(name): \($0)")
            }
        }
        XCTAssertNoThrow(
            try certificates.issue(
                name: "broker.example", role: .broker, dnsNames: ["broker.example"], days: 30, overwrite: false))
    }

    func testShowPrintsSubjectRoleNamesValidityAndExpiry() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        _ = try certificates.issue(
            name: "broker-1", role: .broker, dnsNames: ["broker.example"], ipAddresses: ["10.0.0.5"], days: 365,
            overwrite: false)
        let report = try CertificateReport(path: certificates.certificatePath("broker-1"))
        let now = Int64(time(nil))
        let text = report.text(now: now)
        for expected in [
            "subject       CN=broker-1,OU=broker", "issuer        CN=fleet CA", "role          broker",
            "usage         serverAuth, clientAuth", "DNS names     broker.example", "IP addresses  10.0.0.5",
            "status        valid (\(report.secondsLeft(now: now) / 86_400) days left)",
            "serial        \(report.info.serialNumber)",
        ] {
            XCTAssertTrue(text.contains(expected), "missing \"\(expected)\" in:\n\(text)")
        }
        XCTAssertTrue(report.isValid(now: now))
        XCTAssertEqual(report.status(now: report.notAfter + 3 * 86_400), "EXPIRED 3 days ago")
        XCTAssertFalse(report.isValid(now: report.notAfter + 1))
        XCTAssertEqual(report.status(now: report.info.notBefore - 7200), "NOT VALID YET (starts in 2 h 0 min)")
        XCTAssertThrowsError(try CertificateReport(path: directory + "/none.pem")) {
            XCTAssertTrue("\($0)".contains("none.pem: cannot open"), "\($0)")
        }
    }
}
