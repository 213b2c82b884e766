import XCTest

@testable import TLS

/// Context construction: each bad setting or file fails with a message naming it.
final class TLSContextTests: TLSTestCase {
    func testAMissingCertificateFileIsNamed() throws {
        let missing = directory + "/nope.pem"
        XCTAssertThrowsError(try TLSContext(.server(certificateChainPath: missing, privateKeyPath: server.keyPath))) {
            error in
            guard case TLSError.file(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing)
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
    }

    func testAFileThatIsNotPEMIsNamedWithOpenSSLsReason() throws {
        let garbage = try writeCertificate("hello, not a certificate\n", name: "garbage")
        XCTAssertThrowsError(try TLSContext(.server(certificateChainPath: garbage, privateKeyPath: server.keyPath))) {
            error in
            guard case TLSError.invalidPEM(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, garbage)
            XCTAssertTrue(reason.contains("no start line"), reason)
        }
        XCTAssertThrowsError(
            try TLSContext(.client(trustedAuthoritiesPath: garbage, serverName: "broker.test"))
        ) { error in
            guard case TLSError.invalidPEM(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, garbage)
        }
    }

    func testAKeyThatDoesNotMatchTheCertificateIsRefused() throws {
        XCTAssertThrowsError(
            try TLSContext(.server(certificateChainPath: server.certificatePath, privateKeyPath: client.keyPath))
        ) { error in
            guard case TLSError.keyMismatch(let certificatePath, let keyPath, let reason) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(certificatePath, server.certificatePath)
            XCTAssertEqual(keyPath, client.keyPath)
            XCTAssertTrue(reason.contains("values mismatch"), reason)
            XCTAssertTrue("\(error)".contains(client.keyPath))
        }
    }

    func testIncompleteSettingsAreRefused() throws {
        let verifyingWithoutAuthorities = TLSConfiguration.server(
            certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath, verifyPeer: true)
        XCTAssertThrowsError(try TLSContext(verifyingWithoutAuthorities)) { error in
            XCTAssertTrue("\(error)".contains("tlscacert"), "\(error)")
        }
        XCTAssertThrowsError(try TLSContext(TLSConfiguration(role: .server))) { error in
            XCTAssertTrue("\(error)".contains("tlscert"), "\(error)")
        }
        let keyWithoutCertificate = TLSConfiguration(role: .client, privateKeyPath: client.keyPath)
        XCTAssertThrowsError(try TLSContext(keyWithoutCertificate))
        var tinyLimit = TLSConfiguration.client(trustedAuthoritiesPath: authorityPath)
        tinyLimit.handshakeBufferLimit = 1000
        XCTAssertThrowsError(try TLSContext(tinyLimit)) { error in
            XCTAssertTrue("\(error)".contains("handshakeBufferLimit"), "\(error)")
        }
    }

    func testTheContextDescribesItsOwnCertificate() throws {
        let context = try mutualServerContext()
        XCTAssertEqual(context.certificate?.commonName, "broker")
        XCTAssertNil(try clientContext(nil).certificate)
    }

    func testErrorQueueIsLeftEmptyAfterAFailure() throws {
        // A key that does not belong to the certificate must fail, and leave no error behind.
        XCTAssertThrowsError(
            try TLSContext(.server(certificateChainPath: server.certificatePath, privateKeyPath: client.keyPath)))
        XCTAssertEqual(OpenSSLErrors.drain(fallback: "empty"), "empty")
    }
}
