import Support

/// The `tls` and `authorization` blocks of a broker configuration file.
extension BrokerConfigFile {
    static func applyTLS(_ file: ConfigObject, to config: inout BrokerConfig) throws(SupportError) {
        guard let block = try file.object("tls") else { return }
        try block.rejectUnknownKeys(allowed: [
            "cert_file", "key_file", "ca_file", "verify", "verify_and_map", "timeout", "handshake_first",
        ])
        guard let certificate = try block.string("cert_file"), let key = try block.string("key_file") else {
            throw file.invalid("tls", "needs cert_file and key_file")
        }
        var tls = BrokerTLSConfig(
            certificateFile: certificate, keyFile: key, authorityFile: try block.string("ca_file"))
        tls.verifyClients = try block.bool("verify") ?? false
        if try block.bool("verify_and_map") == true {
            tls.verifyClients = true
            config.authorization.mapsCertificates = true
        }
        if let timeout = try block.durationNanoseconds("timeout") { tls.handshakeTimeout = timeout }
        tls.handshakeFirst = try block.bool("handshake_first") ?? false
        if tls.verifyClients && tls.authorityFile == nil {
            throw block.invalid("verify", "needs ca_file: the authority that signs client certificates")
        }
        config.tls = tls
    }

    static func applyAuthorization(_ file: ConfigObject, to config: inout BrokerConfig) throws(SupportError) {
        guard let block = try file.object("authorization") else { return }
        try block.rejectUnknownKeys(allowed: [
            "token", "user", "password", "pass", "users", "roles", "timeout", "certificate_roles", "revoked",
        ])
        var authorization = config.authorization
        authorization.token = try block.string("token")
        if let user = try block.string("user") {
            authorization.users[user] = AuthorizationConfig.User(name: user, password: try password(in: block))
        }
        if let timeout = try block.durationNanoseconds("timeout") { authorization.timeoutNanoseconds = timeout }
        if let accepts = try block.bool("certificate_roles") { authorization.acceptsCertificateRoles = accepts }
        if let revoked = try block.strings("revoked") { authorization.revoked = Set(revoked) }
        if let roles = try block.object("roles") {
            for name in roles.keys {
                guard let role = try roles.object(name) else { throw roles.invalid(name, "expected a block") }
                authorization.roles[name] = try permissions(role)
            }
        }
        for (index, entry) in (try block.array("users") ?? []).enumerated() {
            guard case .object(let user) = entry else {
                throw block.invalid("users", element: index, "expected a block with user and password")
            }
            try user.rejectUnknownKeys(allowed: ["user", "password", "pass", "permissions", "role"])
            guard let name = try user.string("user") else { throw user.invalid("user", "is required") }
            var account = AuthorizationConfig.User(name: name, password: try password(in: user))
            account.role = try user.string("role")
            if let explicit = try user.object("permissions") { account.permissions = try permissions(explicit) }
            if let role = account.role, authorization.roles[role] == nil {
                throw user.invalid("role", "no role \(role) is defined in authorization.roles")
            }
            authorization.users[name] = account
        }
        config.authorization = authorization
    }

    /// `password`, or nats-server's older spelling `pass`.
    private static func password(in block: ConfigObject) throws(SupportError) -> String? {
        if let password = try block.string("password") { return password }
        return try block.string("pass")
    }

    /// `{ publish: …, subscribe: …, allow_responses: … }` where publish and subscribe are each a
    /// pattern, a list (allow), or `{allow, deny}`.
    static func permissions(_ block: ConfigObject) throws(SupportError) -> Permissions {
        try block.rejectUnknownKeys(allowed: ["publish", "subscribe", "allow_responses"])
        var permissions = Permissions(
            publish: try subjectPermissions(block, "publish"), subscribe: try subjectPermissions(block, "subscribe"),
            responses: try responsePermission(block))
        if permissions.responses != nil && permissions.publish.allow.isEmpty {
            // As nats-server: with allow_responses and no publish allow list, only responses may be
            // published (an empty allow list would otherwise allow everything).
            permissions.publish.deny.append(">")
        }
        return permissions
    }

    /// `allow_responses: true | false | { max: N, expires: DURATION }` (nats-server's defaults: 1, 2m).
    private static func responsePermission(_ block: ConfigObject) throws(SupportError) -> ResponsePermission? {
        switch block["allow_responses"] {
        case nil, .bool(false)?:
            return nil
        case .bool(true)?:
            return ResponsePermission()
        case .object(let limits)?:
            try limits.rejectUnknownKeys(allowed: ["max", "expires"])
            var permission = ResponsePermission()
            if let maximum = try limits.int("max"), maximum != 0 { permission.maxMessages = maximum }
            if let expires = try limits.durationNanoseconds("expires"), expires != 0 {
                permission.expiresNanoseconds = expires
            }
            return permission
        case let other?:
            throw block.invalid("allow_responses", "expected true, false or { max, expires }, got \(other.kindName)")
        }
    }

    private static func subjectPermissions(_ block: ConfigObject, _ key: String) throws(SupportError)
        -> SubjectPermissions
    {
        switch block[key] {
        case nil:
            return .unrestricted
        case .string, .array:
            return SubjectPermissions(allow: try block.strings(key) ?? [])
        case .object(let lists)?:
            try lists.rejectUnknownKeys(allowed: ["allow", "deny"])
            return SubjectPermissions(allow: try lists.strings("allow") ?? [], deny: try lists.strings("deny") ?? [])
        case let other?:
            throw block.invalid(key, "expected a subject, a list, or { allow, deny }, got \(other.kindName)")
        }
    }
}
