import Support
import XCTest

@testable import TLS
#if canImport(Glibc)
    import Glibc
#endif

/// `ffrtmp certs renew`, called directly: same holder and names, fresh validity, key kept or replaced.
final class CertificateRenewalTests: CertificateDirectoryTestCase {
    private func issuedBroker() throws -> CertificateReport {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        return try certificates.issue(
            name: "broker-1", role: .broker, dnsNames: ["broker.example"], ipAddresses: ["10.0.0.5"], days: 30,
            overwrite: false)
    }

    private func key(_ name: String) throws -> String { try CertificateFiles.read(certificates.keyPath(name)) }

    func testRenewKeepsTheNameRoleAddressesAndKeyWithANewSerial() throws {
        let old = try issuedBroker()
        let oldKey = try key("broker-1")
        let renewed = try certificates.renew(name: "broker-1", newKey: false, days: 90)
        XCTAssertEqual(renewed.info.subject, old.info.subject)
        XCTAssertEqual(renewed.info.role, "broker")
        XCTAssertEqual(renewed.info.dnsNames, ["broker.example"])
        XCTAssertEqual(renewed.info.ipAddresses, ["10.0.0.5"])
        XCTAssertEqual(renewed.info.extendedKeyUsage, ["serverAuth", "clientAuth"])
        XCTAssertNotEqual(renewed.info.serialNumber, old.info.serialNumber)
        XCTAssertEqual((renewed.info.notAfter - renewed.info.notBefore) / 86_400, 90)
        XCTAssertEqual(try key("broker-1"), oldKey)
        XCTAssertEqual(mode(certificates.certificatePath("broker-1")), 0o644)
        XCTAssertNoThrow(
            try TLSContext(
                .server(
                    certificateChainPath: certificates.certificatePath("broker-1"),
                    privateKeyPath: certificates.keyPath("broker-1"), trustedAuthoritiesPath: nil, verifyPeer: false)),
            "the kept key matches the new certificate")
    }

    func testRenewWithANewKeyReplacesTheKeyAndKeepsTheOldValidityLength() throws {
        let old = try issuedBroker()
        let oldKey = try key("broker-1")
        let renewed = try certificates.renew(name: "broker-1", newKey: true, days: nil)
        XCTAssertNotEqual(try key("broker-1"), oldKey)
        XCTAssertEqual(mode(certificates.keyPath("broker-1")), 0o600)
        XCTAssertEqual(
            renewed.info.notAfter - renewed.info.notBefore, old.info.notAfter - old.info.notBefore,
            "30 days again, as the old one")
        XCTAssertNoThrow(
            try TLSContext(
                .server(
                    certificateChainPath: certificates.certificatePath("broker-1"),
                    privateKeyPath: certificates.keyPath("broker-1"), trustedAuthoritiesPath: nil, verifyPeer: false)))
    }

    func testRenewRefusesACertificateThatWasNeverIssued() throws {
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        XCTAssertThrowsError(try certificates.renew(name: "node-9", newKey: false, days: nil))
    }
}
