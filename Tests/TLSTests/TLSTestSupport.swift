import Glibc
import Support
import TestSupport
import XCTest

@testable import TLS

/// Certificates issued by our own issuer into a fresh folder under /tmp, removed in `tearDown`, and
/// helpers that pump bytes between two in-memory sessions.
class TLSTestCase: XCTestCase {
    var directory = ""
    private var temporary: TemporaryDirectory?
    /// The CA everything below is signed by.
    var authority: CertificateAuthority!
    /// Files of `authority`'s certificate.
    var authorityPath = ""
    /// The broker: `broker.test`, 127.0.0.1, role `broker`, server usage.
    var server = Identity(certificatePath: "", keyPath: "")
    /// An agent: `node-1`, role `agent`, client usage.
    var client = Identity(certificatePath: "", keyPath: "")

    /// A certificate and key written to files.
    struct Identity {
        var certificatePath: String
        var keyPath: String
    }

    override func setUpWithError() throws {
        let temporary = try TemporaryDirectory(prefix: "ffrtmp-tls")
        self.temporary = temporary
        directory = temporary.path
        authority = try CertificateIssuer.createAuthority(commonName: "ffrtmp test CA", validityDays: 30)
        authorityPath = try writeCertificate(authority.certificatePEM, name: "ca")
        server = try issue(
            CertificateRequest(
                commonName: "broker", role: "broker", dnsNames: ["broker.test"], ipAddresses: ["127.0.0.1"],
                usage: .server),
            name: "server")
        client = try issue(CertificateRequest(commonName: "node-1", role: "agent", usage: .client), name: "client")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    /// Issues `request` with `authority` (or `signer`) and writes it as `<name>.pem` / `<name>-key.pem`.
    func issue(_ request: CertificateRequest, name: String, signer: CertificateAuthority? = nil) throws -> Identity {
        let issued = try CertificateIssuer.issue(request, signedBy: signer ?? authority)
        let certificatePath = try writeCertificate(issued.certificatePEM, name: name)
        let keyPath = directory + "/\(name)-key.pem"
        try CertificateFiles.writePrivateKey(issued.privateKeyPEM, to: keyPath)
        return Identity(certificatePath: certificatePath, keyPath: keyPath)
    }

    func writeCertificate(_ pem: String, name: String) throws -> String {
        let path = directory + "/\(name).pem"
        try CertificateFiles.writeCertificate(pem, to: path)
        return path
    }

    /// A broker context requiring client certificates from `authority` (mTLS).
    func mutualServerContext() throws -> TLSContext {
        try TLSContext(
            .server(
                certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath,
                trustedAuthoritiesPath: authorityPath, verifyPeer: true))
    }

    /// A client context presenting `identity` (nil: none), verifying the broker as `broker.test`.
    func clientContext(_ identity: Identity? = nil, serverName: String = "broker.test") throws -> TLSContext {
        try TLSContext(
            .client(
                trustedAuthoritiesPath: authorityPath, certificateChainPath: identity?.certificatePath,
                privateKeyPath: identity?.keyPath, serverName: serverName))
    }

    /// A connected client and server session pair after the handshake, asserting it succeeded.
    func connectedPair(
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (client: TLSSession, server: TLSSession) {
        let clientSession = try clientContext(client).makeSession()
        let serverSession = try mutualServerContext().makeSession()
        let result = Pump.handshake(client: clientSession, server: serverSession)
        XCTAssertEqual(result.client, .complete, file: file, line: line)
        XCTAssertEqual(result.server, .complete, file: file, line: line)
        return (clientSession, serverSession)
    }
}

/// Moves ciphertext between two sessions as a network would, but in memory.
enum Pump {
    /// Moves everything `source` has to send into `destination`; returns the byte count. A destination
    /// that refuses the bytes (it failed, or they exceed its limit) is left with its error.
    @discardableResult
    static func transfer(from source: TLSSession, to destination: TLSSession) -> Int {
        let bytes = source.takeOutgoing()
        try? destination.feedIncoming(bytes)
        return bytes.count
    }

    /// Runs both handshakes, moving flights both ways, until neither side makes progress.
    static func handshake(
        client: TLSSession, server: TLSSession
    ) -> (client: TLSSession.HandshakeStatus, server: TLSSession.HandshakeStatus) {
        var clientStatus = client.handshake()
        var serverStatus = server.handshake()
        for _ in 0..<16 {
            let moved = transfer(from: client, to: server) + transfer(from: server, to: client)
            serverStatus = server.handshake()
            clientStatus = client.handshake()
            let moreToMove = client.outgoingByteCount + server.outgoingByteCount > 0
            if moved == 0 && !moreToMove { break }
        }
        return (clientStatus, serverStatus)
    }

    /// Sends `bytes` from `sender` to `receiver` and returns all plaintext the receiver reads, moving
    /// ciphertext in socket-sized pieces (`chunk`) and reading after each, as an event loop does.
    static func send(
        _ bytes: [UInt8], from sender: TLSSession, to receiver: TLSSession, chunk: Int = 64 * 1024
    ) throws -> [UInt8] {
        try sender.writePlaintext(bytes)
        var received: [UInt8] = []
        while sender.outgoingByteCount > 0 {
            let moved = try sender.withOutgoingBytes { (ciphertext) throws -> Int in
                let piece = UnsafeRawBufferPointer(rebasing: ciphertext.prefix(chunk))
                try receiver.feedIncoming(piece)
                return piece.count
            }
            sender.consumeOutgoing(moved)
            received += try readAll(receiver)
        }
        return received
    }

    /// Reads plaintext until the session has none left.
    static func readAll(_ session: TLSSession) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try session.readPlaintext(into: $0) }
            if count == 0 { return result }
            result.append(contentsOf: buffer[..<count])
        }
    }
}
