import HTTP
import Support
import TLS
import TestSupport
import XCTest

@testable import Console

/// An `https://` master: read with its CA; without it the error says TLS failed and which flags fix it,
/// not that the master is unreachable.
final class MasterClientTLSTests: XCTestCase {
    func testAnHTTPSMasterIsReadWithItsCAAndWithoutItTheErrorNamesTheFlags() throws {
        let directory = try TemporaryDirectory(prefix: "ffrtmp-console-tls")
        let certificates = CertificateDirectory(path: directory.path + "/certs")
        _ = try certificates.createAuthority(commonName: "test CA", days: 2, overwrite: false)
        _ = try certificates.issue(name: "web", role: .broker, ipAddresses: ["127.0.0.1"], days: 2, overwrite: false)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.tls = .server(
            certificateChainPath: certificates.certificatePath("web"), privateKeyPath: certificates.keyPath("web"))
        let server = HTTPServer(
            configuration: configuration, handler: { _ in .json(#"{"nodes":[]}"#) },
            logger: Logger(component: "http", sink: LogSink(minimumLevel: .error)))
        try server.start()
        defer { server.shutdown() }
        let base = "https://127.0.0.1:\(server.port)"
        let trusted = try TLSContext(.client(trustedAuthoritiesPath: certificates.authorityCertificatePath))
        let body = try MasterClient(baseURL: base, timeout: .seconds(5), tls: trusted).fetch("/api/nodes")
        XCTAssertEqual(String(decoding: body, as: UTF8.self), #"{"nodes":[]}"#)
        XCTAssertThrowsError(try MasterClient(baseURL: base, timeout: .seconds(5)).fetch("/api/nodes")) { error in
            guard case .tlsFailed(let url, _) = error as? MasterClientError else { return XCTFail("\(error)") }
            XCTAssertEqual(url, base)
            XCTAssertTrue("\(error)".contains("--master-ca names the CA"), "\(error)")
        }
    }
}
