@testable import Client
import Support
@testable import TLS
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Certificates for one TLS test, issued into a fresh temporary directory (removed in `tearDown`),
/// and nats-server processes configured with them (killed in `tearDown`).
///
/// The CA signs `broker` (DNS localhost, IP 127.0.0.1), `elsewhere` (a broker certificate for
/// `elsewhere.test` only) and `node-1` (an agent); a second CA, the stranger, signs `foreign` (an
/// agent certificate no broker here trusts) and `stranger-broker`.
class ClientTLSTestCase: XCTestCase {
    /// The temporary directory holding every file.
    var directory = ""
    /// `ffrtmp certs`' view of the directory (its CA is the one trusted here).
    var certificates: CertificateDirectory { CertificateDirectory(path: directory) }
    /// Servers started by the test.
    var servers: [NATSServerProcess] = []
    /// Configuration files written by the test.
    private var configurations: [String] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        _ = try NATSServerProcess.executable()
        var template = Array("/tmp/ffrtmp-client-tls-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SupportError("mkdtemp failed") }
        directory = String(cString: created)
        _ = try certificates.createAuthority(commonName: "test CA", days: 30, overwrite: false)
        _ = try certificates.issue(
            name: "broker", role: .broker, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 30,
            overwrite: false)
        _ = try certificates.issue(
            name: "elsewhere", role: .broker, dnsNames: ["elsewhere.test"], days: 30, overwrite: false)
        _ = try certificates.issue(name: "node-1", role: .agent, days: 30, overwrite: false)
        let stranger = CertificateDirectory(path: directory + "/stranger")
        _ = try stranger.createAuthority(commonName: "stranger CA", days: 30, overwrite: false)
        _ = try stranger.issue(name: "foreign", role: .agent, days: 30, overwrite: false)
        _ = try stranger.issue(
            name: "stranger-broker", role: .broker, ipAddresses: ["127.0.0.1"], days: 30, overwrite: false)
    }

    /// Issues `NAME.pem` and `NAME-key.pem` signed by the CA, valid from `notBefore` to `notAfter` seconds
    /// from now (in the past for an expired certificate).
    func issueWindow(name: String, role: CertificateRole, notBefore: Int, notAfter: Int) throws {
        let authority = try CertificateAuthority.load(
            certificatePath: certificates.authorityCertificatePath, privateKeyPath: certificates.authorityKeyPath)
        let request = CertificateRequest(
            commonName: name, role: role.rawValue, ipAddresses: role == .broker ? ["127.0.0.1"] : [],
            usage: role.usage, validity: .window(notBeforeOffset: notBefore, notAfterOffset: notAfter))
        let issued = try CertificateIssuer.issue(request, signedBy: authority)
        try CertificateFiles.writePrivateKey(issued.privateKeyPEM, to: certificates.keyPath(name))
        try CertificateFiles.writeCertificate(issued.certificatePEM, to: certificates.certificatePath(name))
    }

    override func tearDownWithError() throws {
        for server in servers { server.stop() }
        servers = []
        for path in configurations { NATSServerProcess.removeConfiguration(path) }
        configurations = []
        if !directory.isEmpty { Self.removeTree(directory) }
        try super.tearDownWithError()
    }

    /// The path of a file in the directory (`path("node-1.pem")`, `path("stranger/foreign.pem")`).
    func path(_ name: String) -> String { directory + "/" + name }

    /// TLS settings trusting `authority` and presenting `identity` (`NAME` for `NAME.pem` and
    /// `NAME-key.pem` in the directory), or no certificate when nil.
    func tlsOptions(
        identity: String? = "node-1", authority: String = "ca.pem", serverName: String? = nil,
        handshakeFirst: Bool = false
    ) -> ClientTLSOptions {
        ClientTLSOptions(
            trustedAuthoritiesPath: path(authority), certificateChainPath: identity.map { path("\($0).pem") },
            privateKeyPath: identity.map { path("\($0)-key.pem") }, serverName: serverName,
            handshakeFirst: handshakeFirst)
    }

    /// Connection options for tests (quick reconnects, no log) with `tls`.
    func options(_ tls: ClientTLSOptions?) -> ConnectionOptions {
        var options = testOptions(name: "tls test")
        options.tls = tls
        options.connectTimeout = .seconds(2)
        return options
    }

    /// Starts nats-server with a `tls {}` block presenting `certificate` (NAME in the directory),
    /// verifying clients when `verify`; `extra` goes inside the block, `outside` after it.
    func startServer(
        certificate: String = "broker", verify: Bool = true, extra: String = "", outside: String = ""
    ) throws -> NATSServerProcess {
        let configuration = NATSServerProcess.writeConfiguration(
            """
            tls {
              cert_file: "\(path("\(certificate).pem"))"
              key_file: "\(path("\(certificate)-key.pem"))"
              ca_file: "\(path("ca.pem"))"
              verify: \(verify)
              timeout: 2
              \(extra)
            }
            \(outside)
            """)
        configurations.append(configuration)
        let server = try NATSServerProcess(arguments: ["-c", configuration])
        servers.append(server)
        return server
    }

    /// Starts a plaintext nats-server.
    func startPlainServer() throws -> NATSServerProcess {
        let server = try NATSServerProcess()
        servers.append(server)
        return server
    }

    /// Asserts that connecting fails, within `limit`, with an error matching `expected`; returns it.
    @discardableResult
    func assertConnectFails(
        _ url: String, _ options: ConnectionOptions, within limit: Duration = .seconds(1),
        file: StaticString = #filePath, line: UInt = #line, _ expected: (ClientError) -> Bool
    ) -> ClientError? {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let connection = try NATSConnection.connect(url: url, options: options)
            connection.close()
            XCTFail("connected, but should have been refused", file: file, line: line)
            return nil
        } catch {
            let elapsed = clock.now - start
            XCTAssertTrue(expected(error), "unexpected error: \(error)", file: file, line: line)
            XCTAssertLessThan(elapsed, limit, "took \(elapsed) to fail: \(error)", file: file, line: line)
            return error
        }
    }

    /// Deletes `path` and everything under it.
    static func removeTree(_ path: String) {
        if let handle = opendir(path) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                }
                guard name != "." && name != ".." else { continue }
                let child = path + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { removeTree(child) } else { unlink(child) }
            }
            closedir(handle)
        }
        rmdir(path)
    }
}

extension ClientError {
    /// The text of `.tlsHandshakeFailed`, else nil.
    var tlsHandshakeReason: String? {
        if case .tlsHandshakeFailed(let reason) = self { return reason }
        return nil
    }
}
