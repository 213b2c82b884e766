/// Who may connect and what each identity may do: nats-server's `authorization` block (token,
/// single user, users with permissions) plus ffrtmp's roles, which give certificate identities
/// their permissions from the role written in their certificate.
public struct AuthorizationConfig: Sendable, Equatable {
    /// One account: a name (a CONNECT user, or a certificate's CN), an optional password, and either
    /// explicit permissions or a role.
    public struct User: Sendable, Equatable {
        public var name: String
        public var password: String?
        public var permissions: Permissions?
        public var role: String?

        public init(name: String, password: String? = nil, permissions: Permissions? = nil, role: String? = nil) {
            self.name = name
            self.password = password
            self.permissions = permissions
            self.role = role
        }
    }

    /// A shared secret every client must send as `auth_token`.
    public var token: String?
    public var users: [String: User] = [:]
    /// Role name → permissions with `{name}` placeholders.
    public var roles: [String: Permissions] = [:]
    /// Whether a verified client certificate names the user (CN), as nats-server's `verify_and_map`.
    public var mapsCertificates = false
    /// Whether a certificate identity not listed in `users` may connect with its certificate's role.
    public var acceptsCertificateRoles = true
    /// Names (users or certificate CNs) refused even with a valid certificate or password.
    public var revoked: Set<String> = []
    /// Seconds a client has to send CONNECT when authentication is required.
    public var timeoutNanoseconds: Int64 = 2_000_000_000

    public init() {}

    /// Whether clients must authenticate at all.
    public var isRequired: Bool { token != nil || !users.isEmpty || mapsCertificates }
}
