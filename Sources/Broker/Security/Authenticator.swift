import Wire

/// Who a connection turned out to be, and what it may do.
public struct Identity: Sendable, Equatable {
    public var name: String
    public var role: String?
    public var permissions: Permissions

    public static let anonymous = Identity(name: "", role: nil, permissions: .unrestricted)
}

/// A verified client certificate's identity: its CN and role.
public struct ClientCertificateIdentity: Sendable, Equatable {
    public var commonName: String
    public var role: String?

    public init(commonName: String, role: String?) {
        self.commonName = commonName
        self.role = role
    }
}

/// Decides, from CONNECT's credentials and the client certificate, whether a client may connect
/// and with which permissions. Every refusal is nats-server's `Authorization Violation`.
public struct Authenticator: Sendable {
    public let config: AuthorizationConfig

    public init(config: AuthorizationConfig) { self.config = config }

    public func authenticate(
        user: String?, password: String?, token: String?, certificate: ClientCertificateIdentity?
    ) -> Result<Identity, WireError> {
        guard config.isRequired else { return .success(.anonymous) }
        // Revocation is by the identity the connection maps to: the certificate's CN when certificates
        // are mapped, else the CONNECT user (a verified but unmapped certificate names nobody).
        return identity(user: user, password: password, token: token, certificate: certificate).flatMap {
            config.revoked.contains($0.name) ? .failure(.authorizationViolation) : .success($0)
        }
    }

    private func identity(
        user: String?, password: String?, token: String?, certificate: ClientCertificateIdentity?
    ) -> Result<Identity, WireError> {
        if config.mapsCertificates {
            guard let certificate, !certificate.commonName.isEmpty else { return .failure(.authorizationViolation) }
            return identity(for: certificate)
        }
        if let expected = config.token {
            guard let token, constantTimeEquals(token, expected) else { return .failure(.authorizationViolation) }
            return .success(Identity(name: "token", role: nil, permissions: .unrestricted))
        }
        guard let user, let account = config.users[user], let expected = account.password, let password,
            constantTimeEquals(password, expected)
        else { return .failure(.authorizationViolation) }
        return permissions(of: account, name: user).map { Identity(name: user, role: account.role, permissions: $0) }
    }

    private func identity(for certificate: ClientCertificateIdentity) -> Result<Identity, WireError> {
        let name = certificate.commonName
        if let account = config.users[name] {
            return permissions(of: account, name: name).map {
                Identity(name: name, role: account.role ?? certificate.role, permissions: $0)
            }
        }
        guard config.acceptsCertificateRoles, let role = certificate.role, let template = config.roles[role] else {
            return .failure(.authorizationViolation)
        }
        return substituted(template, name: name).map { Identity(name: name, role: role, permissions: $0) }
    }

    private func permissions(of account: AuthorizationConfig.User, name: String) -> Result<Permissions, WireError> {
        if let explicit = account.permissions { return .success(explicit) }
        guard let role = account.role else { return .success(.unrestricted) }
        guard let template = config.roles[role] else { return .failure(.authorizationViolation) }
        return substituted(template, name: name)
    }

    /// A role's permissions for `name`, refused unless `name` is one plain subject token: a
    /// certificate named `*`, `a.>` or `x y` would otherwise turn `hb.{name}` into a wildcard or
    /// another subject.
    private func substituted(_ template: Permissions, name: String) -> Result<Permissions, WireError> {
        guard Subject.isPlainToken(name) else { return .failure(.authorizationViolation) }
        return .success(template.substituting(name: name))
    }

    /// Compares secrets without an early exit, so timing does not reveal how much matched.
    private func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
