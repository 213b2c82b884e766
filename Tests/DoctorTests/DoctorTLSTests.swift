import Broker
import Client
import Support
import TestSupport
import TLS
import XCTest

@testable import Doctor

/// The broker's certificate as the doctor reports it: names, validity, and whether its chain
/// verifies against the CA given; the local certificate files' names and validity.
final class DoctorTLSTests: XCTestCase {
    private var folder = ""
    private var broker: TestBroker!
    private var certificates: CertificateDirectory { CertificateDirectory(path: folder + "/certs") }

    override func setUpWithError() throws {
        folder = "/tmp/ffrtmp-doctor-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        _ = try certificates.createAuthority(commonName: "fleet CA", days: 3650, overwrite: false)
        _ = try certificates.issue(
            name: "broker", role: .broker, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 30,
            overwrite: false)
        _ = try certificates.issue(name: "agent-1", role: .agent, days: 30, overwrite: false)
        var tls = BrokerTLSConfig(
            certificateFile: certificates.certificatePath("broker"), keyFile: certificates.keyPath("broker"))
        tls.authorityFile = certificates.authorityCertificatePath
        tls.verifyClients = true
        broker = try TestBroker(storeDirectory: folder + "/store") { $0.tls = tls }
    }

    override func tearDown() {
        broker?.shutdown()
        broker = nil
        try? DurableFiles.removeTree(folder)
    }

    private func configuration(authority: String) -> DoctorConfiguration {
        var configuration = DoctorConfiguration()
        configuration.serverURL = "tls://127.0.0.1:\(broker.port)"
        configuration.timeoutSeconds = 5
        configuration.tls = ClientTLSOptions(
            trustedAuthoritiesPath: authority, certificateChainPath: certificates.certificatePath("agent-1"),
            privateKeyPath: certificates.keyPath("agent-1"))
        return configuration
    }

    func testAVerifyingBrokerCertificateIsReportedWithNamesAndValidity() throws {
        let checks = Doctor.brokerChecks(configuration(authority: certificates.authorityCertificatePath))
        let byName = Dictionary(checks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byName["reachable"]?.state, .passed, byName["reachable"]?.detail ?? "")
        XCTAssertEqual(byName["CA file"]?.state, .passed)
        XCTAssertTrue(byName["CA file"]?.detail.contains("fleet CA (CA)") == true, byName["CA file"]?.detail ?? "")
        XCTAssertEqual(byName["client certificate"]?.state, .passed)
        let server = try XCTUnwrap(byName["broker certificate"])
        XCTAssertEqual(server.state, .passed, server.detail)
        XCTAssertTrue(server.detail.contains("names localhost, 127.0.0.1"), server.detail)
        XCTAssertTrue(server.detail.contains("expires in 29 days") || server.detail.contains("expires in 30 days"))
        XCTAssertTrue(server.detail.contains("chain verifies against --tlsca"), server.detail)
        XCTAssertEqual(DoctorReport(checks: checks).exitStatus, 0)
    }

    func testABrokerCertificateFromAnotherCAIsShownAndFailsVerification() throws {
        let other = CertificateDirectory(path: folder + "/other")
        _ = try other.createAuthority(commonName: "other CA", days: 3650, overwrite: false)
        let checks = Doctor.brokerChecks(configuration(authority: other.authorityCertificatePath))
        let byName = Dictionary(checks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byName["reachable"]?.state, .failed)
        let server = try XCTUnwrap(byName["broker certificate"])
        XCTAssertEqual(server.state, .failed, server.detail)
        XCTAssertTrue(server.detail.contains("does NOT verify"), server.detail)
        XCTAssertTrue(server.detail.contains("names localhost, 127.0.0.1"), "the certificate is still shown")
        XCTAssertNotNil(server.fix)
        XCTAssertEqual(DoctorReport(checks: checks).exitStatus, 1)
    }
}
