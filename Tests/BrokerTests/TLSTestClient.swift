#if canImport(Glibc)
    import Glibc
#endif
import Net
import Support
import TLS
import TestSupport
import XCTest

/// Certificates for one test: a CA, the broker's certificate, and client certificates by name.
struct TestCertificates {
    private let directory: TemporaryDirectory
    var folder: String { directory.path }
    let authority: CertificateAuthority

    init() throws {
        directory = try TemporaryDirectory(prefix: "ffrtmp-test")
        authority = try CertificateIssuer.createAuthority(commonName: "test CA")
        try CertificateFiles.writeCertificate(authority.certificatePEM, to: folder + "/ca.pem")
        let broker = try CertificateIssuer.issue(
            commonName: "localhost", role: "broker", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"],
            usage: .server, signedBy: authority)
        try write(broker, as: "broker")
    }

    var authorityPath: String { folder + "/ca.pem" }
    func certificatePath(_ name: String) -> String { folder + "/\(name).pem" }
    func keyPath(_ name: String) -> String { folder + "/\(name)-key.pem" }

    /// Issues and writes a client certificate for `name` in `role`.
    @discardableResult
    func issueClient(
        _ name: String, role: String?, validity: CertificateValidity = .days(1),
        by issuer: CertificateAuthority? = nil
    ) throws -> String {
        let request = CertificateRequest(commonName: name, role: role, usage: .client, validity: validity)
        try write(try CertificateIssuer.issue(request, signedBy: issuer ?? authority), as: name)
        return name
    }

    private func write(_ certificate: IssuedCertificate, as name: String) throws {
        try CertificateFiles.writeCertificate(certificate.certificatePEM, to: certificatePath(name), overwrite: true)
        try CertificateFiles.writePrivateKey(certificate.privateKeyPEM, to: keyPath(name), overwrite: true)
    }
}

/// A blocking TLS client of the broker speaking raw protocol: reads INFO in plaintext, upgrades,
/// then exchanges lines.
final class TLSRawClient {
    let fd: Int32
    /// The TLS stream, once upgraded.
    private(set) var stream: TLSStream?
    private var received: [UInt8] = []

    init(port: Int) throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: port)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let status = try address.withSockAddr { pointer, length in connect(fd, pointer, length) }
        guard status == 0 else { throw SystemError("connect") }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Reads the plaintext INFO line.
    func readInfo() -> String {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            line.append(byte)
            if byte == 0x0A { break }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Upgrades to TLS with an optional client certificate, offering to resume `saved`; throws when the
    /// broker refuses.
    func upgrade(certificates: TestCertificates, client name: String?, resuming saved: TLSSavedSession? = nil) throws {
        let configuration = TLSConfiguration.client(
            trustedAuthoritiesPath: certificates.authorityPath,
            certificateChainPath: name.map(certificates.certificatePath),
            privateKeyPath: name.map(certificates.keyPath), serverName: "localhost")
        let session = try TLSContext(configuration).makeSession(serverName: "localhost", resuming: saved)
        let stream = try TLSStream(session: session, fileDescriptor: fd)
        try stream.handshake()
        self.stream = stream
    }

    func send(_ text: String) throws {
        try stream!.write(Array(text.utf8))
    }

    /// Reads until `marker` arrives; returns all text read. Throws when the connection ends first.
    func read(until marker: String) throws -> String {
        let needle = Array(marker.utf8)
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !received.containsSequence(needle) {
            let count = try buffer.withUnsafeMutableBytes { try stream!.read(into: $0) }
            if count == 0 { break }
            received.append(contentsOf: buffer[..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        received.removeAll()
        return text
    }

    /// Connects, sends CONNECT + PING and waits for PONG.
    func handshake() throws {
        try send("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nPING\r\n")
        _ = try read(until: "PONG\r\n")
    }
}

extension Array where Element == UInt8 {
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count, !needle.isEmpty else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if Array(self[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
