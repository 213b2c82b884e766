@testable import Broker
import Wire
import XCTest

/// Who a connection is, decided from CONNECT and the client certificate: revocation and the names a
/// role's `{name}` may take.
final class AuthenticatorTests: XCTestCase {
    private let agentRole = Permissions(
        publish: SubjectPermissions(allow: ["hb.{name}", "_INBOX.{name}.>"]),
        subscribe: SubjectPermissions(allow: ["_INBOX.{name}.>"]))

    private func mappedCertificates(revoked: Set<String> = []) -> Authenticator {
        var config = AuthorizationConfig()
        config.mapsCertificates = true
        config.roles["agent"] = agentRole
        config.revoked = revoked
        return Authenticator(config: config)
    }

    private func certificate(_ name: String) -> ClientCertificateIdentity {
        ClientCertificateIdentity(commonName: name, role: "agent")
    }

    func testAMappedCertificateIsRevokedByItsName() {
        let authenticator = mappedCertificates(revoked: ["node-7"])
        let refused = authenticator.authenticate(
            user: nil, password: nil, token: nil, certificate: certificate("node-7"))
        XCTAssertEqual(refused, .failure(.authorizationViolation))
        let accepted = authenticator.authenticate(
            user: nil, password: nil, token: nil, certificate: certificate("node-1"))
        XCTAssertEqual(try accepted.get().name, "node-1")
    }

    func testAVerifiedButUnmappedCertificateLeavesRevocationToTheConnectUser() {
        var config = AuthorizationConfig()
        config.users["alice"] = AuthorizationConfig.User(name: "alice", password: "a-secret")
        config.users["bob"] = AuthorizationConfig.User(name: "bob", password: "b-secret")
        config.revoked = ["alice"]
        let authenticator = Authenticator(config: config)
        let revokedUser = authenticator.authenticate(
            user: "alice", password: "a-secret", token: nil, certificate: certificate("node-1"))
        XCTAssertEqual(revokedUser, .failure(.authorizationViolation), "alice is revoked whatever her certificate says")
        let goodUser = authenticator.authenticate(
            user: "bob", password: "b-secret", token: nil, certificate: certificate("alice"))
        XCTAssertEqual(try goodUser.get().name, "bob", "the certificate's CN names nobody when it is not mapped")
    }

    func testACertificateNameThatIsNotOnePlainTokenGetsNoRole() {
        let authenticator = mappedCertificates()
        for name in ["*", ">", "a.>", "node.1", "x y", "tab\there", "*x", "x>"] {
            let result = authenticator.authenticate(
                user: nil, password: nil, token: nil, certificate: certificate(name))
            XCTAssertEqual(result, .failure(.authorizationViolation), name)
        }
        let plain = authenticator.authenticate(user: nil, password: nil, token: nil, certificate: certificate("node-1"))
        XCTAssertEqual(try plain.get().permissions.publish.allow, ["hb.node-1", "_INBOX.node-1.>"])
    }

    func testAUserWithARoleMustBeOnePlainTokenButExplicitPermissionsNeedNoSubstitution() {
        var config = AuthorizationConfig()
        config.roles["agent"] = agentRole
        config.users["a.>"] = AuthorizationConfig.User(name: "a.>", password: "p", role: "agent")
        let explicit = Permissions(publish: SubjectPermissions(allow: ["x"]))
        config.users["b.c"] = AuthorizationConfig.User(name: "b.c", password: "p", permissions: explicit)
        let authenticator = Authenticator(config: config)
        XCTAssertEqual(
            authenticator.authenticate(user: "a.>", password: "p", token: nil, certificate: nil),
            .failure(.authorizationViolation))
        XCTAssertEqual(
            try authenticator.authenticate(user: "b.c", password: "p", token: nil, certificate: nil).get().permissions,
            explicit)
    }
}
