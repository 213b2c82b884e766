#if canImport(Glibc)
    import Glibc
#endif
import HTTP
import Support
import TLS
import TestSupport
import XCTest

/// HTTPS on the server's own loops: a client that trusts the CA gets its answers (plain bodies and an
/// event stream); with client certificates required, a client without one gets no answer and a
/// client with one does.
final class HTTPServerTLSTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var certificates: CertificateDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "ffrtmp-http-tls")
        certificates = CertificateDirectory(path: directory.path + "/certs")
        _ = try certificates.createAuthority(commonName: "test CA", days: 2, overwrite: false)
        _ = try certificates.issue(
            name: "web", role: .broker, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 2, overwrite: false)
        _ = try certificates.issue(name: "viewer", role: .agent, days: 2, overwrite: false)
    }

    private func server(
        requireClientCertificates: Bool = false, _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        configuration.tls = .server(
            certificateChainPath: certificates.certificatePath("web"), privateKeyPath: certificates.keyPath("web"),
            trustedAuthoritiesPath: requireClientCertificates ? certificates.authorityCertificatePath : nil,
            verifyPeer: requireClientCertificates)
        var router = HTTPRouter()
        router.get("/hello") { _ in .text("hello over tls") }
        router.get("/big") { _ in HTTPResponse(body: [UInt8](repeating: 0x61, count: 300_000)) }
        router.get("/events") { _ in
            .eventStream { stream in
                stream.send(event: "greeting", data: "one")
                stream.send(data: "two")
                stream.close()
            }
        }
        let server = HTTPServer(configuration: configuration, handler: router.handler, logger: TestServer.quietLogger)
        try server.start()
        return server
    }

    private func client(identity: String? = nil) throws -> TLSContext {
        try TLSContext(
            .client(
                trustedAuthoritiesPath: certificates.authorityCertificatePath,
                certificateChainPath: identity.map { certificates.certificatePath($0) },
                privateKeyPath: identity.map { certificates.keyPath($0) }))
    }

    func testAClientThatTrustsTheCAReadsBodiesAndAnEventStreamOverHTTPS() throws {
        let server = try server()
        defer { server.shutdown() }
        let base = "https://127.0.0.1:\(server.port)"
        let hello = try HTTPGet.fetch(base + "/hello", timeout: .seconds(5), tls: try client())
        XCTAssertEqual(hello.status, 200)
        XCTAssertEqual(hello.text, "hello over tls")
        let big = try HTTPGet.fetch(base + "/big", timeout: .seconds(5), tls: try client())
        XCTAssertEqual(big.body, [UInt8](repeating: 0x61, count: 300_000))
        let events = try HTTPGet.fetch(base + "/events", timeout: .seconds(5), tls: try client())
        XCTAssertEqual(events.status, 200)
        XCTAssertEqual(events.text, "event: greeting\ndata: one\n\ndata: two\n\n")
        XCTAssertTrue(eventually { server.connections == 0 })
    }

    func testAClientThatDoesNotTrustTheCertificateGetsNoAnswer() throws {
        let server = try server()
        defer { server.shutdown() }
        XCTAssertThrowsError(
            try HTTPGet.fetch(
                "https://127.0.0.1:\(server.port)/hello", timeout: .seconds(5),
                tls: try TLSContext(.client(trustedAuthoritiesPath: nil)))
        ) { error in
            guard case .tls = error as? HTTPGetError else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(eventually { server.connections == 0 })
    }

    func testPlainHTTPToAnHTTPSPortGetsNoAnswer() throws {
        let server = try server()
        defer { server.shutdown() }
        XCTAssertThrowsError(try HTTPGet.fetch("http://127.0.0.1:\(server.port)/hello", timeout: .seconds(5)))
        XCTAssertTrue(eventually { server.connections == 0 })
    }

    func testWhenClientCertificatesAreRequiredOnlyAClientWithOneIsAnswered() throws {
        let server = try server(requireClientCertificates: true)
        defer { server.shutdown() }
        let url = "https://127.0.0.1:\(server.port)/hello"
        XCTAssertThrowsError(try HTTPGet.fetch(url, timeout: .seconds(5), tls: try client())) { error in
            guard case .tls = error as? HTTPGetError else { return XCTFail("\(error)") }
        }
        let answer = try HTTPGet.fetch(url, timeout: .seconds(5), tls: try client(identity: "viewer"))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.text, "hello over tls")
    }

    func testAClientThatTricklesItsHandshakeIsDroppedAfterTheHeaderTimeout() throws {
        let server = try server { $0.headerReadTimeout = 300_000_000 }
        defer { server.shutdown() }
        let client = try HTTPTestClient(port: server.port, readTimeoutMilliseconds: 3000)
        let started = Clock.monotonicNanoseconds()
        // A TLS record header that promises a ClientHello, then one byte of it every 100 ms.
        client.send([0x16, 0x03, 0x01, 0x02, 0x00])
        var closed = false
        for _ in 0..<30 where !closed {
            usleep(100_000)
            client.send([0x01])
            closed = server.connections == 0
        }
        XCTAssertTrue(closed, "the trickling handshake was not dropped")
        XCTAssertLessThan(millisecondsSince(started), 2500)
    }

    func testAConnectionOverTheLimitIsClosedWithoutAPlaintextAnswer() throws {
        let server = try server { $0.maxConnections = 1 }
        defer { server.shutdown() }
        let first = try HTTPTestClient(port: server.port)
        XCTAssertTrue(eventually { server.connections == 1 })
        let second = try HTTPTestClient(port: server.port)
        let answer = second.readUntilClosed()
        XCTAssertTrue(answer.closed)
        XCTAssertEqual(answer.bytes, [], "a TLS client cannot read \(String(decoding: answer.bytes, as: UTF8.self))")
        first.shutdownWrite()
    }

    func testCurlReadsTwoAnswersOverOneHTTPSConnection() throws {
        let curl = "/usr/bin/curl"
        guard access(curl, X_OK) == 0 else { throw XCTSkip("curl is not installed") }
        let server = try server()
        defer { server.shutdown() }
        let base = "https://127.0.0.1:\(server.port)"
        let command =
            "\(curl) -sS --max-time 5 --cacert \(certificates.authorityCertificatePath) "
            + "-w ' [%{http_code} %{num_connects}]\\n' \(base)/hello \(base)/hello"
        guard let pipe = popen(command, "r") else { return XCTFail("popen") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if count == 0 { break }
            output += chunk[..<count]
        }
        pclose(pipe)
        XCTAssertEqual(
            String(decoding: output, as: UTF8.self), "hello over tls [200 1]\nhello over tls [200 0]\n")
    }
}
