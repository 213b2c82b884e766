import Glibc
import XCTest

@testable import TLS

/// Certificates from our issuer: identity fields, extensions, serials, files.
final class CertificateIssuerTests: TLSTestCase {
    func testIssuedCertificateCarriesNameRoleAndAlternativeNames() throws {
        let issued = try CertificateIssuer.issue(
            commonName: "node-7", role: "agent", dnsNames: ["node-7.farm.test"], ipAddresses: ["10.0.0.7", "::1"],
            validityDays: 90, usage: .client, signedBy: authority)
        let info = try issued.info()
        XCTAssertEqual(info.commonName, "node-7")
        XCTAssertEqual(info.organizationalUnits, ["agent"])
        XCTAssertEqual(info.uris, ["ffrtmp://role/agent"])
        XCTAssertEqual(info.role, "agent")
        XCTAssertEqual(info.dnsNames, ["node-7.farm.test"])
        XCTAssertEqual(info.ipAddresses, ["10.0.0.7", "::1"])
        XCTAssertEqual(info.subject, "CN=node-7,OU=agent")
        XCTAssertEqual(info.issuer, "CN=ffrtmp test CA")
        XCTAssertFalse(info.isAuthority)
        XCTAssertEqual(info.extendedKeyUsage, ["clientAuth"])
        XCTAssertEqual(info.serialNumber.count, 32, "128-bit serial")
        let now = Int64(time(nil))
        XCTAssertTrue(info.isValid(atSeconds: now))
        XCTAssertEqual(info.notAfter - now, 90 * 86_400, accuracy: 60)
        XCTAssertEqual(now - info.notBefore, 300, accuracy: 60)
    }

    func testAuthorityIsACAWithPathLengthZero() throws {
        let info = try authority.info()
        XCTAssertTrue(info.isAuthority)
        XCTAssertEqual(info.authorityPathLength, 0)
        XCTAssertEqual(info.subject, info.issuer)
        XCTAssertEqual(info.commonName, "ffrtmp test CA")
        XCTAssertNil(info.role)
    }

    func testUsageSetsExtendedKeyUsage() throws {
        for (usage, expected) in [(CertificateUsage.server, ["serverAuth"]), (.both, ["serverAuth", "clientAuth"])] {
            let issued = try CertificateIssuer.issue(
                commonName: "broker", role: "broker", usage: usage, signedBy: authority)
            XCTAssertEqual(try issued.info().extendedKeyUsage, expected)
        }
    }

    func testSerialNumbersAreRandom() throws {
        var serials = Set<String>()
        for _ in 0..<20 {
            let issued = try CertificateIssuer.issue(commonName: "n", role: nil, usage: .client, signedBy: authority)
            serials.insert(try issued.info().serialNumber)
        }
        XCTAssertEqual(serials.count, 20)
    }

    func testRoleIsReadFromTheOrganizationalUnitWhenThereIsNoRoleURI() throws {
        let issued = try CertificateIssuer.issue(commonName: "plain", role: nil, usage: .client, signedBy: authority)
        let info = try issued.info()
        XCTAssertNil(info.role)
        XCTAssertEqual(info.uris, [])
    }

    func testKeysAreWrittenWithMode0600AndCertificatesWith0644() throws {
        let previous = umask(0o077)
        defer { umask(previous) }
        let issued = try CertificateIssuer.issue(commonName: "n", role: "agent", usage: .client, signedBy: authority)
        try CertificateFiles.writePrivateKey(issued.privateKeyPEM, to: directory + "/k.pem")
        try CertificateFiles.writeCertificate(issued.certificatePEM, to: directory + "/c.pem")
        XCTAssertEqual(mode(directory + "/k.pem"), 0o600)
        XCTAssertEqual(mode(directory + "/c.pem"), 0o644)
    }

    func testWritingRefusesToOverwriteUnlessAsked() throws {
        let path = directory + "/k.pem"
        try CertificateFiles.writePrivateKey("first", to: path)
        XCTAssertThrowsError(try CertificateFiles.writePrivateKey("second", to: path)) { error in
            XCTAssertTrue("\(error)".contains("already exists"), "\(error)")
        }
        XCTAssertEqual(try CertificateFiles.read(path), "first")
        try CertificateFiles.writePrivateKey("second", to: path, overwrite: true)
        XCTAssertEqual(try CertificateFiles.read(path), "second")
        XCTAssertEqual(mode(path), 0o600)
        XCTAssertEqual(try DirectoryNames.list(directory).filter { $0.contains(".tmp") }, [])
    }

    func testCertificateFilesCanBeInspected() throws {
        let info = try CertificateFiles.inspectCertificate(at: server.certificatePath)
        XCTAssertEqual(info.commonName, "broker")
        XCTAssertEqual(info.role, "broker")
        XCTAssertEqual(info.dnsNames, ["broker.test"])
        XCTAssertEqual(info.ipAddresses, ["127.0.0.1"])
        XCTAssertThrowsError(try CertificateFiles.inspectCertificate(at: server.keyPath)) { error in
            guard case TLSError.invalidPEM(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, server.keyPath)
        }
    }

    func testAuthorityLoadsFromFilesAndRefusesAKeyThatIsNotItsOwn() throws {
        let keyPath = directory + "/ca-key.pem"
        try CertificateFiles.writePrivateKey(authority.privateKeyPEM, to: keyPath)
        let loaded = try CertificateAuthority.load(certificatePath: authorityPath, privateKeyPath: keyPath)
        XCTAssertEqual(loaded, authority)
        XCTAssertThrowsError(
            try CertificateAuthority.load(certificatePath: authorityPath, privateKeyPath: client.keyPath)
        ) { error in
            guard case TLSError.keyMismatch(let certificatePath, let key, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(certificatePath, authorityPath)
            XCTAssertEqual(key, client.keyPath)
        }
        XCTAssertThrowsError(
            try CertificateAuthority.load(certificatePath: client.certificatePath, privateKeyPath: client.keyPath)
        ) { error in
            XCTAssertTrue("\(error)".contains("not a CA certificate"), "\(error)")
        }
    }

    func testNamesThatWouldNotSurviveIntactAreRefused() throws {
        let bad: [CertificateRequest] = [
            CertificateRequest(commonName: "", role: "agent", usage: .client),
            CertificateRequest(commonName: String(repeating: "x", count: 65), role: nil, usage: .client),
            CertificateRequest(commonName: "n", role: "Agent Smith", usage: .client),
            CertificateRequest(commonName: "n", role: "agent", dnsNames: ["a,DNS:evil.test"], usage: .server),
            CertificateRequest(commonName: "n", role: "agent", ipAddresses: ["10.0.0.300"], usage: .server),
            CertificateRequest(commonName: "n", role: "agent", usage: .client, validity: .days(0)),
        ]
        for request in bad {
            XCTAssertThrowsError(try CertificateIssuer.issue(request, signedBy: authority)) { error in
                guard case TLSError.certificate = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testValidityWindowsCanLieInThePastOrTheFuture() throws {
        let now = Int64(time(nil))
        let expired = try CertificateIssuer.issue(
            CertificateRequest(
                commonName: "old", role: nil, usage: .client,
                validity: .window(notBeforeOffset: -7200, notAfterOffset: -3600)),
            signedBy: authority
        ).info()
        XCTAssertFalse(expired.isValid(atSeconds: now))
        XCTAssertLessThan(expired.notAfter, now)
        let early = try CertificateIssuer.issue(
            CertificateRequest(
                commonName: "new", role: nil, usage: .client,
                validity: .window(notBeforeOffset: 3600, notAfterOffset: 7200)),
            signedBy: authority
        ).info()
        XCTAssertGreaterThan(early.notBefore, now)
    }

    private func mode(_ path: String) -> mode_t {
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        return status.st_mode & 0o777
    }
}

/// Folder listing for assertions.
enum DirectoryNames {
    static func list(_ path: String) throws -> [String] {
        guard let folder = opendir(path) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
